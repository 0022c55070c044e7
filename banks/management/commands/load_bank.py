"""Load a question bank from a YAML file: `python manage.py load_bank PATH [--draft]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from banks.problems import problem_text
from banks.services import BankVersionExistsError, bank_import, bank_languages
from scoring.bank import BankError, load_bank_yaml


class Command(BaseCommand):
    help = "Validate a question bank YAML file and store it as a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--draft", action="store_true", help="Store as a draft instead of publishing it."
        )

    def handle(self, *args: object, path: Path, draft: bool, **options: object) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("%(path)s: cannot read the file (%(reason)s)")
                % {"path": path, "reason": exc.strerror}
            ) from None
        except UnicodeDecodeError as exc:
            raise CommandError(
                _("%(path)s: not UTF-8 text (%(reason)s at byte %(byte)s); nothing was loaded")
                % {"path": path, "reason": exc.reason, "byte": exc.start}
            ) from None
        try:
            bank = load_bank_yaml(text, source=str(path), languages=bank_languages())
            row = bank_import(bank=bank, publish=not draft)
        except BankError as exc:
            for problem in exc.problems:
                self.stderr.write(problem_text(problem))
            raise CommandError(
                ngettext(
                    "%(path)s: %(count)d problem; nothing was loaded",
                    "%(path)s: %(count)d problems; nothing was loaded",
                    len(exc.problems),
                )
                % {"path": path, "count": len(exc.problems)}
            ) from None
        except BankVersionExistsError as exc:
            self.stdout.write(_("%(problem)s; nothing changed.") % {"problem": exc})
            return
        self.stdout.write(
            self.style.SUCCESS(
                # Translators: the status is a code (published or draft).
                _(
                    "Loaded %(slug)s v%(version)s as %(status)s: %(dimensions)d dimensions, "
                    "%(questions)d questions, %(rules)d rules."
                )
                % {
                    "slug": row.slug,
                    "version": row.version,
                    "status": row.status,
                    "dimensions": len(bank.dimensions),
                    "questions": len(bank.questions),
                    "rules": len(bank.rules),
                }
            )
        )
