"""Write a question bank version as YAML: `python manage.py export_bank SLUG [--version N] [-o PATH]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from banks.models import QuestionBank
from banks.problems import problem_text
from banks.services import bank_export_yaml
from scoring.bank import BankError


class Command(BaseCommand):
    help = "Export a question bank version (the published one by default) as YAML."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # --version names the bank's version here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--version", dest="bank_version", type=int, help="Version number (default: published)."
        )
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")

    def handle(
        self,
        *args: object,
        slug: str,
        bank_version: int | None,
        output: Path | None,
        **options: object,
    ) -> None:
        banks = QuestionBank.objects.filter(slug=slug)
        if bank_version is None:
            bank = banks.filter(status=QuestionBank.Status.PUBLISHED).first()
            missing = _("%(slug)s has no published version") % {"slug": slug}
        else:
            bank = banks.filter(version=bank_version).first()
            missing = _("%(slug)s has no version %(version)s") % {
                "slug": slug,
                "version": bank_version,
            }
        if bank is None:
            raise CommandError(missing)
        try:
            text = bank_export_yaml(bank_row=bank)
        except BankError as exc:
            for problem in exc.problems:
                self.stderr.write(problem_text(problem))
            raise CommandError(
                ngettext(
                    "%(bank)s: %(count)d problem; nothing was exported",
                    "%(bank)s: %(count)d problems; nothing was exported",
                    len(exc.problems),
                )
                % {"bank": bank, "count": len(exc.problems)}
            ) from None
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("%(path)s: cannot write the file (%(reason)s)")
                % {"path": output, "reason": exc.strerror}
            ) from None
        self.stderr.write(_("Wrote %(bank)s to %(path)s.") % {"bank": bank, "path": output})
