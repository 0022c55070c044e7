"""Command line: `python -m scoring score|validate`; bad input is one line on stderr, exit 2."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from scoring.bank import Bank, BankError, load_bank_yaml
from scoring.engine import result_to_json, score_assessment
from scoring.inputs import InputError, parse_input
from scoring.validation import join_path

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A problem the user can fix; its message is printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m scoring", description="Resonance scoring engine.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    score = commands.add_parser("score", help="score an assessment and print the result as JSON")
    score.add_argument("--bank", required=True, help="question bank YAML file")
    score.add_argument("input", help="assessment input JSON file ('-' for stdin)")
    score.add_argument(
        "--top-k", type=_non_negative, default=8, help="number of action items (default 8)"
    )
    score.add_argument(
        "--language", default="en", help="language of the bank's texts in the result (default en)"
    )
    validate = commands.add_parser("validate", help="check a question bank YAML file")
    validate.add_argument("bank", help="question bank YAML file")
    return parser


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _read(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _load_bank(path: str) -> Bank:
    try:
        return load_bank_yaml(_read(path), source=path)
    except BankError as exc:
        raise UsageError(exc.one_line()) from None


def _score(args: argparse.Namespace) -> str:
    bank = _load_bank(args.bank)
    text = _read(args.input)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{args.input}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise UsageError(f"{args.input}: malformed JSON: nested too deeply") from None
    except ValueError:  # json turns an integer of over 4,300 digits into this, not a decode error
        raise UsageError(f"{args.input}: malformed JSON: a number has too many digits") from None
    _refuse_odd_values(data, args.input)
    try:
        assessment = parse_input(data, bank, source=args.input, today=date.today())  # noqa: DTZ011
    except InputError as exc:
        raise UsageError(str(exc)) from None
    return (
        result_to_json(score_assessment(bank, assessment, top_k=args.top_k, language=args.language))
        + "\n"
    )


# Integers beyond this lose precision as floats, and far beyond it cannot become one at all.
_INT_MAX = 2**53
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_odd_values(data: object, source: str) -> None:
    """Refuse what json accepts but the engine cannot use: lone surrogates, huge integers."""
    pending: list[tuple[str, object]] = [("", data)]
    while pending:  # a loop: the document may be nested up to json's own limit
        path, node = pending.pop()
        where = f"{source}: {path}: " if path else f"{source}: "
        if isinstance(node, str) and _SURROGATE.search(node):
            raise UsageError(f"{where}a string holds a lone surrogate, which is not text")
        if isinstance(node, int) and not isinstance(node, bool) and abs(node) > _INT_MAX:
            raise UsageError(f"{where}the number is too large (at most 2**53)")
        if isinstance(node, dict):
            for key, value in reversed(node.items()):
                if _SURROGATE.search(key):
                    raise UsageError(f"{where}a key holds a lone surrogate, which is not text")
                pending.append((join_path(path, key), value))
        elif isinstance(node, list):
            pending.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(node))))


def _validate(args: argparse.Namespace) -> str:
    return f"ok: {_load_bank(args.bank).summary()}\n"


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    try:
        args = _build_parser().parse_args(argv)
        output = _score(args) if args.command == "score" else _validate(args)
    except UsageError as exc:
        return _fail(str(exc))
    except Exception as exc:  # the contract is one line on stderr, never a traceback
        return _fail(f"internal error: {type(exc).__name__}: {exc}")
    # Bytes, so the output does not depend on the terminal's encoding.
    sys.stdout.buffer.write(output.encode("utf-8"))
    sys.stdout.flush()
    return EXIT_OK
