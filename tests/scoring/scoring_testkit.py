"""Builders of small banks and inputs for the scoring tests (no Django)."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from scoring.bank import Bank, parse_bank
from scoring.inputs import Answer, AssessmentInput, OrganizationInfo, Response, Strategy

# Two dimensions, four areas, ten questions: enough for every formula, small enough to
# compute expectations by hand.
DEFAULT_LAYOUT: dict[str, dict[str, list[str]]] = {
    "market": {
        "market.customers": ["market.customers.feedback", "market.customers.segments"],
        "market.trends": ["market.trends.scan", "market.trends.review"],
    },
    "organizational": {
        "organizational.culture": [
            "organizational.culture.risk",
            "organizational.culture.ideas",
            "organizational.culture.learning",
        ],
        "organizational.people": [
            "organizational.people.roles",
            "organizational.people.skills",
            "organizational.people.pay",
        ],
    },
}


def action_dict(**overrides: Any) -> dict[str, Any]:
    """Return a complete action template, with overrides."""
    action = {
        "title": "Improve {area}",
        "specific": "{organization} works on {area} for {segment}",
        "kpi": "share of {area} done",
        "unit": "%",
        "owner_role": "owner",
        "effort": 2,
        "effort_days": 4,
        "duration_weeks": 4,
        "kpi_target": 80,
        "kpi_direction": "up",
    }
    action.update(overrides)
    return action


def question_dict(code: str, **overrides: Any) -> dict[str, Any]:
    """Return a complete question (targets 3/4/5 by default), with overrides."""
    question: dict[str, Any] = {
        "code": code,
        "text": f"We do {code}.",
        "help": "Rate 1 (not at all) to 5 (fully, routinely).",
        "weight": 1.0,
        "targets": {"operational_excellence": 3, "product_leadership": 4, "customer_intimacy": 5},
        "action": action_dict(),
    }
    action = overrides.pop("action", None)
    if action is not None:
        question["action"] = action_dict(**action)
    question.update(overrides)
    return question


def bank_dict(
    layout: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
    *,
    questions: Mapping[str, Mapping[str, Any]] | None = None,
    area_weights: Mapping[str, float] | None = None,
    dimension_weights: Mapping[str, float] | None = None,
    rules: Iterable[Mapping[str, Any]] = (),
    pitfall_areas: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return a bank in the YAML structure of DESIGN.md section 5."""
    layout = DEFAULT_LAYOUT if layout is None else layout
    questions = questions or {}
    area_weights = area_weights or {}
    dimension_weights = dimension_weights or {}
    return {
        "bank": "test-bank",
        "version": 1,
        "title": "Test bank",
        "scale": {"min": 1, "max": 5},
        "dimensions": [
            {
                "code": dimension,
                "title": dimension.title(),
                "weight": dimension_weights.get(dimension, 1.0),
                "areas": [
                    {
                        "code": area,
                        "title": f"Area {area}",
                        "weight": area_weights.get(area, 1.0),
                        "questions": [
                            question_dict(code, **copy.deepcopy(dict(questions.get(code, {}))))
                            for code in codes
                        ],
                    }
                    for area, codes in areas.items()
                ],
            }
            for dimension, areas in layout.items()
        ],
        "rules": [dict(rule) for rule in rules],
        "pitfall_areas": dict(
            _default_pitfall_areas(layout) if pitfall_areas is None else pitfall_areas
        ),
    }


def _default_pitfall_areas(layout: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[str, str]:
    areas = {area for dimension in layout.values() for area in dimension}
    wanted = {"market_trends": "market.trends", "culture": "organizational.culture"}
    return {key: area for key, area in wanted.items() if area in areas}


def make_bank(
    layout: Mapping[str, Mapping[str, Iterable[str]]] | None = None, **kwargs: Any
) -> Bank:
    """Return a parsed bank built by bank_dict."""
    return parse_bank(bank_dict(layout, **kwargs))


AnswerSpec = int | None | tuple[int | None, int | None]


def response(level: str, answers: Mapping[str, AnswerSpec]) -> Response:
    """Return a response; an answer is a current, or a (current, target) pair."""
    built = {}
    for code, spec in answers.items():
        if isinstance(spec, tuple):
            built[code] = Answer(current=spec[0], target=spec[1])
        else:
            built[code] = Answer(current=spec)
    return Response(level=level, answers=built)


def make_input(
    *responses: Response,
    discipline: str = "operational_excellence",
    segment: str = "budget families",
    primary_value: str | None = None,
    name: str = "Crumb & Co",
    capacity: float = 8.0,
    plan_start: date = date(2027, 1, 4),
    history: tuple[date, ...] | None = None,
    assessed_on: date | None = None,
) -> AssessmentInput:
    """Return an assessment input for the given responses."""
    return AssessmentInput(
        strategy=Strategy(discipline, segment, primary_value),
        organization=OrganizationInfo(name, capacity),
        plan_start=plan_start,
        responses=tuple(responses),
        history=history,
        assessed_on=assessed_on,
    )


def all_questions(bank: Bank) -> list[str]:
    """Return every question code in bank order."""
    return list(bank.questions)
