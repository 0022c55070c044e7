"""How long a hostile bank file takes to be refused (issue #20 item 2): prints medians.

Every door (python -m scoring validate, manage.py load_bank, the admin import) reads a bank
through scoring.bank.load_bank_yaml, so that is what is timed. Run:
    .venv/bin/python -m bench.bench_hostile_banks [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from scoring.bank import BankError, load_bank_yaml

DEFAULT = (Path(__file__).resolve().parents[1] / "banks" / "default.yaml").read_text("utf-8")


def alias_rules() -> str:
    """Ten rules, each condition listing the previous one ten times (the probe's file)."""
    rules = [
        "rules:",
        "- {code: r0, severity: low, message: M, when: &c0 {strategy: segment, equals: x}}",
    ]
    for n in range(1, 10):
        prev = ", ".join([f"*c{n - 1}"] * 10)
        rules.append(f"- {{code: r{n}, severity: low, message: M, when: &c{n} {{all: [{prev}]}}}}")
    return DEFAULT.split("\nrules:\n")[0] + "\n" + "\n".join(rules) + "\n"


def flat_list(size_bytes: int) -> str:
    """The default bank plus one flat list, about size_bytes long."""
    return DEFAULT + "extra: [" + ", ".join(["1"] * (size_bytes // 3)) + "]\n"


CASES: dict[str, Callable[[], str]] = {
    "alias rules (10 x 10 per level)": alias_rules,
    "flat list, 2 MB (the admin's limit)": lambda: flat_list(2 * 1024 * 1024 - len(DEFAULT)),
    "flat list, just under 1 M characters": lambda: flat_list(990_000 - len(DEFAULT)),
    "nesting 5,000 deep": lambda: "bank: " + "[" * 5000 + "]" * 5000 + "\n",
    "surrogate escape in a title": lambda: DEFAULT.replace(
        "title: SMB strategic alignment", 'title: "\\ud800"', 1
    ),
    "default bank (accepted, for scale)": lambda: DEFAULT,
}


def timed(text: str) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        load_bank_yaml(text, source="bench.yaml")
        outcome = "accepted"
    except BankError as exc:
        outcome = str(exc.problems[0])[:70]
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load_bank_yaml, median of {args.runs} runs")
    for label, build in CASES.items():
        text = build()
        results = [timed(text) for _ in range(args.runs)]
        seconds = statistics.median(t for t, _ in results)
        print(f"  {label:<36} {len(text) / 1024:8.0f} KB {seconds * 1000:9.1f} ms  {results[0][1]}")


if __name__ == "__main__":
    main()
