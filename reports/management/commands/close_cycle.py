"""Close an open cycle and build or queue its report: `manage.py close_cycle ASSESSMENT_ID`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.services.cycles import CycleError
from reports.services import assessment_close_and_report


class Command(BaseCommand):
    help = (
        "Close an open assessment cycle and queue its report for the workers. A cycle "
        "nobody has submitted answers to is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id", type=int)

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
        try:
            report = assessment_close_and_report(assessment=assessment)
        except CycleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Closed %(assessment)s; its report %(report)s is queued.")
                % {"assessment": assessment, "report": report.pk}
            )
        )
