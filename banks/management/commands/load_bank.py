"""Load a question bank from a YAML file: `python manage.py load_bank PATH [--draft]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
            raise CommandError(f"{path}: cannot read the file ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); nothing was loaded"
            ) from None
        try:
            bank = load_bank_yaml(text, source=str(path), languages=bank_languages())
            row = bank_import(bank=bank, publish=not draft)
        except BankError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{path}: {len(exc.problems)} problem(s); nothing was loaded"
            ) from None
        except BankVersionExistsError as exc:
            self.stdout.write(f"{exc}; nothing changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {row.slug} v{row.version} as {row.status}: "
                f"{len(bank.dimensions)} dimensions, {len(bank.questions)} questions, "
                f"{len(bank.rules)} rules."
            )
        )
