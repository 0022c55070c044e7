"""Build (or rebuild) the report of one assessment: `manage.py build_report ASSESSMENT_ID`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment
from reports.models import Report
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
            raise CommandError(f"No assessment with id {options['assessment_id']}.")
        if assessment.status in UNBUILDABLE:
            raise CommandError(
                f"The cycle “{assessment.label}” of {assessment.organization} is still "
                f"{assessment.status}: close it first."
            )
        report = report_request(assessment=assessment, enqueue=options["queue"])
        if options["queue"]:
            self.stdout.write(f"Queued the report of {assessment} (report {report.pk}).")
            return
        built = report_build(report_id=report.pk)
        if built is None or built.status != Report.Status.READY:
            error = built.error if built is not None else "the report row disappeared"
            raise CommandError(f"The report of {assessment} failed: {error}")
        index = (
            "no index" if built.alignment_index is None else f"index {built.alignment_index:.1f}"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Built the report of {assessment}: {index} ({built.band}), "
                f"{assessment.action_items.count()} action items, PDF {built.pdf.name}, "
                f"{built.duration_ms} ms."
            )
        )
