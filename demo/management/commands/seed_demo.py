"""Create the demo bakery, its people, its cycles and the consultant's other clients."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from alerts.services import drift_record
from demo.services import DEMO_LOGINS, demo_seed, demo_seed_clients


class Command(BaseCommand):
    help = "Create a demo organization with a finished assessment and report (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even when DEBUG is off (the demo passwords are public).",
        )

    def handle(self, *args: object, force: bool, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(_("seed_demo creates users with public passwords; use --force."))
        created = demo_seed()
        created = demo_seed_clients() or created
        if created:
            # What the daily drift run would find in the demo (overdue actions, the pulse's
            # slipped area), so the alerts page and the portfolio show it from the start.
            drift_record()
        self.stdout.write(_("Demo data created.") if created else _("Demo data already present."))
        self.stdout.write("")
        self.stdout.write(_("Demo log-ins (e-mail / password):"))
        for role, email, password in DEMO_LOGINS:
            self.stdout.write(f"  {role:<11} {email:<28} {password}")
