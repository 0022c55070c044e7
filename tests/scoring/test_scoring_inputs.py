"""Parsing and validation of the assessment input JSON (DESIGN.md section 6)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from scoring_testkit import make_bank

from scoring.inputs import (
    Answer,
    AssessmentInput,
    InputError,
    OrganizationInfo,
    Response,
    Strategy,
    parse_input,
)

BANK = make_bank()
FEEDBACK = "market.customers.feedback"

EXAMPLE: dict[str, Any] = {
    "strategy": {"value_discipline": "operational_excellence", "segment": "budget families"},
    "organization": {"name": "Crumb & Co", "capacity_days_per_month": 8},
    "plan_start": "2027-01-04",
    "responses": [
        {"level": "owner", "answers": {FEEDBACK: {"current": 2, "target": 5}}},
        {"level": "staff", "answers": {FEEDBACK: {"current": 1}}},
    ],
}


def example(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return data


def test_the_example_of_the_design_parses() -> None:
    parsed = parse_input(EXAMPLE, BANK)
    assert parsed == AssessmentInput(
        strategy=Strategy("operational_excellence", "budget families", None),
        organization=OrganizationInfo("Crumb & Co", 8),
        plan_start=date(2027, 1, 4),
        responses=(
            Response("owner", {FEEDBACK: Answer(2, 5)}),
            Response("staff", {FEEDBACK: Answer(1, None)}),
        ),
        history=None,
        assessed_on=date(2027, 1, 4),
    )


def test_bare_values_are_currents_and_extra_keys_are_ignored() -> None:
    data = example(
        responses=[
            {
                "level": "manager",
                "name": "ignored",
                "answers": {
                    FEEDBACK: 4,
                    "market.customers.segments": None,
                    "market.trends.scan": {"current": None, "comment": "not sure"},
                },
            }
        ],
        extra="ignored",
    )
    (response,) = parse_input(data, BANK).responses
    assert response.answers == {
        FEEDBACK: Answer(4),
        "market.customers.segments": Answer(None),
        "market.trends.scan": Answer(None),
    }


def test_plan_start_defaults_to_today() -> None:
    data = example()
    del data["plan_start"]
    parsed = parse_input(data, BANK, today=date(2030, 5, 6))
    assert parsed.plan_start == date(2030, 5, 6)
    assert parsed.assessed_on == date(2030, 5, 6)


def test_optional_strategy_fields_history_and_assessed_on() -> None:
    data = example(history=["2025-03-01", "2026-02-01"], assessed_on="2027-01-01")
    data["strategy"]["primary_value"] = "price"
    parsed = parse_input(data, BANK)
    assert parsed.strategy.primary_value == "price"
    assert parsed.history == (date(2025, 3, 1), date(2026, 2, 1))
    assert parsed.assessed_on == date(2027, 1, 1)


def answer_of(value: Any, level: str = "owner") -> dict[str, Any]:
    return example(
        responses=[
            {"level": "owner", "answers": {}},
            {"level": level, "answers": {FEEDBACK: value}},
        ]
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            answer_of({"current": 6}),
            f'in.json: responses[1].answers["{FEEDBACK}"].current: 6 is outside the scale 1..5',
        ),
        (
            answer_of(0),
            f'in.json: responses[1].answers["{FEEDBACK}"]: 0 is outside the scale 1..5',
        ),
        (
            answer_of({"current": 3, "target": 9}),
            f'in.json: responses[1].answers["{FEEDBACK}"].target: 9 is outside the scale 1..5',
        ),
        (
            answer_of({"current": True}),
            f'in.json: responses[1].answers["{FEEDBACK}"].current: expected an integer or null, got true',
        ),
        (
            answer_of({"current": 3.0}),
            f'in.json: responses[1].answers["{FEEDBACK}"].current: expected an integer or null, got 3.0',
        ),
        (
            answer_of("3"),
            f'in.json: responses[1].answers["{FEEDBACK}"]: expected an integer or null, got "3"',
        ),
        (
            answer_of({"current": 3, "target": 4}, level="staff"),
            f'in.json: responses[1].answers["{FEEDBACK}"].target: only an owner response may set a target',
        ),
        (
            example(responses=[{"level": "owner", "answers": {"nope.nope": 3}}]),
            'in.json: responses[0].answers["nope.nope"]: unknown question code',
        ),
        (
            example(responses=[{"level": "ceo", "answers": {}}]),
            'in.json: responses[0].level: unknown level "ceo": expected one of owner, manager, staff',
        ),
        (
            example(responses=[{"answers": {}}]),
            "in.json: responses[0].level: missing required key",
        ),
        (
            example(strategy={"value_discipline": "cheapness"}),
            'in.json: strategy.value_discipline: unknown value discipline "cheapness": expected one of '
            "operational_excellence, product_leadership, customer_intimacy",
        ),
        (
            example(strategy={"value_discipline": "product_leadership", "primary_value": "luck"}),
            'in.json: strategy.primary_value: unknown primary value "luck": expected one of '
            "price, quality, convenience, innovation, service",
        ),
        (
            example(organization={"name": "x"}),
            "in.json: organization.capacity_days_per_month: missing required key",
        ),
        (
            example(organization={"name": "x", "capacity_days_per_month": 0}),
            "in.json: organization.capacity_days_per_month: 0 must be greater than 0",
        ),
        (
            example(organization={"name": "x", "capacity_days_per_month": "lots"}),
            'in.json: organization.capacity_days_per_month: expected a number of person-days, got "lots"',
        ),
        (
            example(plan_start="2027-02-30"),
            "in.json: plan_start: '2027-02-30' is not a valid ISO date (YYYY-MM-DD)",
        ),
        (
            example(history=["2026-01-01", "yesterday"]),
            "in.json: history[1]: 'yesterday' is not a valid ISO date (YYYY-MM-DD)",
        ),
        (example(responses={"level": "owner"}), "in.json: responses: expected a list, got dict"),
        ([1, 2], "in.json: expected an object, got list"),
    ],
)
def test_invalid_input_is_one_line_naming_the_place(data: Any, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_input(data, BANK, source="in.json")
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_missing_strategy_is_rejected() -> None:
    data = example()
    del data["strategy"]
    with pytest.raises(InputError, match="strategy: missing required key"):
        parse_input(data, BANK)


def test_dataclass_defaults() -> None:
    data = AssessmentInput(
        strategy=Strategy("customer_intimacy"),
        organization=OrganizationInfo("x", 1.0),
        plan_start=date(2027, 1, 4),
        responses=[Response("owner", {FEEDBACK: Answer(3)})],  # type: ignore[arg-type]
    )
    assert data.strategy.segment == ""
    assert data.strategy.primary_value is None
    assert data.responses == (Response("owner", {FEEDBACK: Answer(3, None)}),)
    assert data.assessed_on is None
    assert data.effective_assessed_on == date(2027, 1, 4)
