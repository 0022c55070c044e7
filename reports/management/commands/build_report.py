"""Build (or rebuild) the report of one assessment: `manage.py build_report ASSESSMENT_ID`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments.models import Assessment
from reports.bands import band_label
from reports.models import Report
from reports.numbers import decimal_text
from reports.selectors import UNBUILDABLE
from reports.services import report_build, report_request


class Command(BaseCommand):
    help = (
        "Score an assessment and build its report, PDF and action plan in this process "
        "(or, with --queue, hand the build to the Celery workers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id", type=int)
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the build for a worker instead of building here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        assessment = (
            Assessment.objects.select_related("organization")
            .filter(pk=options["assessment_id"])
            .first()
        )
        if assessment is None:
            raise CommandError(
                _("No assessment with id %(id)s.") % {"id": options["assessment_id"]}
            )
        if assessment.status in UNBUILDABLE:
            raise CommandError(
                _("The cycle “%(label)s” of %(organization)s is still %(status)s: close it first.")
                % {
                    "label": assessment.label,
                    "organization": assessment.organization,
                    "status": assessment.get_status_display(),
                }
            )
        report = report_request(assessment=assessment, enqueue=options["queue"])
        if options["queue"]:
            self.stdout.write(
                _("Queued the report of %(assessment)s (report %(report)s).")
                % {"assessment": assessment, "report": report.pk}
            )
            return
        built = report_build(report_id=report.pk)
        if built is None or built.status != Report.Status.READY:
            error = built.error if built is not None else _("the report row disappeared")
            raise CommandError(
                _("The report of %(assessment)s failed: %(error)s")
                % {"assessment": assessment, "error": error}
            )
        index = (
            _("no index")
            if built.alignment_index is None
            else _("index %(index)s") % {"index": decimal_text(built.alignment_index, 1)}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Built the report of %(assessment)s: %(index)s (%(band)s), %(items)s action "
                    "items, PDF %(pdf)s, %(ms)s ms."
                )
                % {
                    "assessment": assessment,
                    "index": index,
                    "band": band_label(built.band),
                    "items": assessment.action_items.count(),
                    "pdf": built.pdf.name,
                    "ms": built.duration_ms,
                }
            )
        )
