"""Golden results: a fixed set of assessments scores to exactly the stored JSON (its SHA-256).

The engine is tuned for speed (DESIGN.md section 9). These cases were scored before the tuning,
and hold every number, flag, priority and plan item to the last bit: on the default bank, and on
a bank with a 0..10 scale (areas whose score is held at 0) and whole-number weights.
Regenerate them (`.venv/bin/python tests/scoring/test_scoring_golden.py`) only when a result is
meant to change, and say why in the commit.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring_testkit import action_dict, bank_dict

from scoring.bank import Bank, load_bank_yaml, parse_bank
from scoring.constants import DISCIPLINES, LEVELS, PRIMARY_VALUES
from scoring.engine import result_to_json, score_assessment
from scoring.inputs import parse_input

GOLDEN = Path(__file__).with_name("golden_results.json")
# The default bank as it was when the cases were scored (version 2, English only): the shipped
# banks/default.yaml moves on (version 3 is translated), these results must not.
DEFAULT_BANK = Path(__file__).with_name("golden_bank.yaml")
ABSENT = "-"  # in a stored response: the question was not answered at all


def wide_bank() -> Bank:
    """Return a small bank on a 0..10 scale, so that an area's misfit can exceed its weight."""
    data = bank_dict(
        questions={
            "market.customers.feedback": {"weight": 2, "targets": _targets(10, 2, 6)},
            "market.customers.segments": {"weight": 0.5, "targets": _targets(0, 9, 3)},
            "market.trends.scan": {"weight": 3, "targets": _targets(7, 7, 7)},
            "market.trends.review": {"targets": _targets(1, 10, 5)},
            "organizational.culture.risk": {
                "weight": 1.5,
                "targets": _targets(2, 8, 10),
                "scale_back": action_dict(title="Less {area}", effort=4, effort_days=3),
            },
            "organizational.culture.ideas": {"targets": _targets(9, 1, 4)},
            "organizational.culture.learning": {"weight": 4, "targets": _targets(5, 5, 0)},
            "organizational.people.roles": {
                "targets": _targets(3, 6, 9),
                "scale_back": action_dict(effort=1, effort_days=20, duration_weeks=2),
            },
            "organizational.people.skills": {"weight": 2.5, "targets": _targets(8, 2, 8)},
            "organizational.people.pay": {"targets": _targets(6, 10, 1)},
        },
        area_weights={"market.trends": 2, "organizational.people": 0.5},
        dimension_weights={"organizational": 3},
        rules=[
            {
                "code": "high-scan",
                "severity": "high",
                "message": "Scanning beats reviewing.",
                "when": {
                    "all": [
                        {"question": "market.trends.scan", "current_at_least": 6},
                        {"not": {"area": "organizational.people", "score_below": 20}},
                    ]
                },
                "remedies": ["market.trends.review", "organizational.people.pay"],
            },
            {
                "code": "staff-risk",
                "severity": "medium",
                "message": "Staff see little risk taken.",
                "when": {
                    "question": "organizational.culture.risk",
                    "level": "others",
                    "current_at_most": 4,
                },
            },
        ],
    )
    data["scale"] = {"min": 0, "max": 10}
    data["pitfall_remedies"] = {"silos": ["organizational.people.roles"]}
    return parse_bank(data)


def _targets(operational: int, product: int, customer: int) -> dict[str, int]:
    return dict(zip(DISCIPLINES, (operational, product, customer), strict=True))


@functools.cache
def banks() -> dict[str, Bank]:
    return {"default": load_bank_yaml(DEFAULT_BANK.read_text()), "wide": wide_bank()}


def input_of(stored: dict[str, Any], bank: Bank) -> dict[str, Any]:
    """Return the JSON input of a stored case: answers are kept as a list in bank order."""
    codes = list(bank.questions)
    data = dict(stored)
    responses = []
    for response in stored["responses"]:
        targets = response.get("targets", {})
        answers: dict[str, Any] = {}
        for code, current in zip(codes, response["answers"], strict=True):
            if current == ABSENT:
                continue
            answers[code] = (
                {"current": current, "target": targets[code]} if code in targets else current
            )
        responses.append({"level": response["level"], "answers": answers})
    data["responses"] = responses
    return data


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# Read at collection; absent only while regenerate() writes it (the next test then fails).
CASES: list[dict[str, Any]] = json.loads(GOLDEN.read_text())["cases"] if GOLDEN.exists() else []


def test_the_golden_file_holds_every_case() -> None:
    assert len(CASES) == 12


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["name"])
def test_scoring_gives_the_golden_result(case: dict[str, Any]) -> None:
    bank = banks()[case["bank"]]
    data = parse_input(input_of(case["input"], bank), bank, source=case["name"])
    result = score_assessment(bank, data, top_k=case["top_k"], language=case["language"])
    # The readable facts first, so a failure says what moved.
    assert repr(result.alignment_index) == case["alignment_index"]
    assert [item.question for item in result.action_plan] == case["plan"]
    assert digest(result_to_json(result)) == case["sha256"]


# --- regenerating the cases ------------------------------------------------------------------


def _random_input(rng: random.Random, bank: Bank, style: str) -> dict[str, Any]:
    codes = list(bank.questions)
    low, high = bank.scale_min, bank.scale_max
    discipline = rng.choice(DISCIPLINES)
    dont_know = {"sparse": 0.5, "many": 0.15}.get(style, 0.08)
    levels = ["owner", "manager", "staff", "staff", "staff"]
    if style == "many":
        levels += [rng.choice(LEVELS) for _ in range(7)]
    if style == "owner_only":
        levels = ["owner"]
    responses = []
    flat = rng.randint(low, high)
    for level in levels:
        answers: list[Any] = []
        targets = {}
        for code in codes:
            if style == "sparse" and rng.random() < 0.35:
                answers.append(ABSENT)
                continue
            if rng.random() < dont_know:
                answers.append(None)
                continue
            if style == "flat":
                current = flat
            elif style == "at_target":
                current = bank.questions[code].targets[discipline]
            elif style == "overkill":
                current = rng.randint(high - 1, high)
            else:
                current = rng.randint(low, high)
            answers.append(current)
            if level == "owner" and style in ("many", "owner_only") and rng.random() < 0.25:
                targets[code] = rng.randint(low, high)
        response: dict[str, Any] = {"level": level, "answers": answers}
        if targets:
            response["targets"] = targets
        responses.append(response)
    return {
        "strategy": {
            "value_discipline": discipline,
            "segment": rng.choice(["families", "{students}", "Café “regulars”"]),
            "primary_value": rng.choice([None, *PRIMARY_VALUES]),
        },
        "organization": {
            "name": rng.choice(["Crumb & Co", "Bäckerei {Nord}"]),
            "capacity_days_per_month": rng.choice([1, 2.5, 8, 30]),
        },
        "plan_start": "2027-01-04",
        "history": rng.choice([None, ["2025-06-01"], ["2026-09-01", "2027-02-01"]]),
        "responses": responses,
    }


def regenerate() -> None:
    rng = random.Random(20270104)
    all_banks = banks()
    plan = [
        ("default", "random", 8, "en"),
        ("default", "random", 8, "de"),
        ("default", "many", 8, "en"),
        ("default", "sparse", 8, "en"),
        ("default", "flat", 8, "en"),
        ("default", "at_target", 8, "en"),
        ("default", "overkill", 12, "en"),
        ("default", "owner_only", 3, "fr"),
        ("wide", "random", 8, "en"),
        ("wide", "many", 5, "en"),
        ("wide", "overkill", 8, "en"),
        ("wide", "sparse", 20, "en"),
    ]
    cases = []
    for number, (bank_name, style, top_k, language) in enumerate(plan):
        bank = all_banks[bank_name]
        stored = _random_input(rng, bank, style)
        data = parse_input(input_of(stored, bank), bank, source="golden")
        result = score_assessment(bank, data, top_k=top_k, language=language)
        cases.append(
            {
                "name": f"{number:02d}-{bank_name}-{style}-{language}",
                "bank": bank_name,
                "top_k": top_k,
                "language": language,
                "alignment_index": repr(result.alignment_index),
                "plan": [item.question for item in result.action_plan],
                "sha256": digest(result_to_json(result)),
                "input": stored,
            }
        )
    text = json.dumps({"cases": cases}, ensure_ascii=False, separators=(",", ":"))
    # One case per line keeps the diff of a regeneration readable.
    GOLDEN.write_text(text.replace(',{"name"', ',\n{"name"') + "\n")


if __name__ == "__main__":
    regenerate()
