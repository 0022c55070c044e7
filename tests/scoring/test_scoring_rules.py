"""Consistency rules: every condition form, nesting, and the flags a scored assessment gets."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from scoring_testkit import make_bank, make_input, response

from scoring.engine import score_assessment
from scoring.rules import (
    AllOf,
    AnyOf,
    AreaScoreBelow,
    DimensionScoreBelow,
    Not,
    QuestionCurrentAtLeast,
    QuestionCurrentAtMost,
    StrategyEquals,
    condition_references,
    condition_to_dict,
    evaluate,
)


@dataclass
class FakeContext:
    strategy: dict[str, str | None] = field(default_factory=dict)
    currents: dict[str, float] = field(default_factory=dict)
    areas: dict[str, float | None] = field(default_factory=dict)
    dimensions: dict[str, float | None] = field(default_factory=dict)

    def strategy_value(self, name: str) -> str | None:
        return self.strategy.get(name)

    def current(self, question: str) -> float | None:
        return self.currents.get(question)

    def area_score(self, area: str) -> float | None:
        return self.areas.get(area)

    def dimension_score(self, dimension: str) -> float | None:
        return self.dimensions.get(dimension)


CONTEXT = FakeContext(
    strategy={"value_discipline": "operational_excellence", "primary_value": None, "segment": "x"},
    currents={"q1": 4.0, "q2": 2.5},
    areas={"a": 55.0, "b": None},
    dimensions={"d": 70.0, "e": None},
)


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        (StrategyEquals("value_discipline", "operational_excellence"), True),
        (StrategyEquals("value_discipline", "product_leadership"), False),
        (StrategyEquals("primary_value", "price"), False),
        (StrategyEquals("segment", "x"), True),
        (QuestionCurrentAtLeast("q1", 4), True),
        (QuestionCurrentAtLeast("q1", 4.5), False),
        (QuestionCurrentAtLeast("unanswered", 1), False),
        (QuestionCurrentAtMost("q2", 2.5), True),
        (QuestionCurrentAtMost("q2", 2), False),
        (QuestionCurrentAtMost("unanswered", 5), False),
        (AreaScoreBelow("a", 60), True),
        (AreaScoreBelow("a", 55), False),
        (AreaScoreBelow("b", 100), False),
        (DimensionScoreBelow("d", 70.5), True),
        (DimensionScoreBelow("d", 70), False),
        (DimensionScoreBelow("e", 100), False),
    ],
)
def test_each_condition_form(condition: object, holds: bool) -> None:
    assert evaluate(condition, CONTEXT) is holds  # type: ignore[arg-type]


def test_all_any_not_nest() -> None:
    high_q1 = QuestionCurrentAtLeast("q1", 4)
    low_q2 = QuestionCurrentAtMost("q2", 1)
    assert evaluate(AllOf((high_q1, Not(low_q2))), CONTEXT)
    assert not evaluate(AllOf((high_q1, low_q2)), CONTEXT)
    assert evaluate(AnyOf((low_q2, AllOf((high_q1, AreaScoreBelow("a", 60))))), CONTEXT)
    assert not evaluate(AnyOf((low_q2, Not(high_q1))), CONTEXT)
    assert evaluate(Not(AnyOf((low_q2, DimensionScoreBelow("e", 100)))), CONTEXT)


def test_a_negated_comparison_with_a_missing_value_holds() -> None:
    # "not (current_at_least 1)" on an unanswered question: the inner comparison is false.
    assert evaluate(Not(QuestionCurrentAtLeast("unanswered", 1)), CONTEXT)


def test_references_collect_codes_through_nesting() -> None:
    condition = AllOf(
        (
            StrategyEquals("segment", "x"),
            AnyOf((QuestionCurrentAtLeast("q1", 4), Not(AreaScoreBelow("a", 60)))),
            DimensionScoreBelow("d", 50),
        )
    )
    refs = condition_references(condition)
    assert refs.questions == {"q1"}
    assert refs.areas == {"a"}
    assert refs.dimensions == {"d"}


def test_condition_export_is_the_yaml_form() -> None:
    condition = AllOf(
        (
            StrategyEquals("value_discipline", "operational_excellence"),
            Not(QuestionCurrentAtMost("q2", 3)),
        )
    )
    assert condition_to_dict(condition) == {
        "all": [
            {"strategy": "value_discipline", "equals": "operational_excellence"},
            {"not": {"question": "q2", "current_at_most": 3}},
        ]
    }


RULES = [
    {
        "code": "cost-strategy-premium-inputs",
        "severity": "high",
        "message": "A low-cost strategy buys premium inputs.",
        "when": {
            "all": [
                {"strategy": "value_discipline", "equals": "operational_excellence"},
                {"question": "market.customers.feedback", "current_at_least": 4},
            ]
        },
    },
    {
        "code": "weak-trends",
        "severity": "medium",
        "message": "Market trends are not watched.",
        "when": {"area": "market.trends", "score_below": 60},
    },
    {
        "code": "weak-organization",
        "severity": "low",
        "message": "The organization lags.",
        "when": {"dimension": "organizational", "score_below": 99},
    },
    {
        "code": "never",
        "severity": "low",
        "message": "Innovation on price.",
        "when": {
            "any": [
                {"strategy": "primary_value", "equals": "innovation"},
                {"not": {"question": "market.customers.feedback", "current_at_most": 5}},
            ]
        },
    },
]


def test_triggered_rules_are_flagged_in_bank_order() -> None:
    bank = make_bank(rules=RULES)
    data = make_input(
        response(
            "owner",
            {
                "market.customers.feedback": 5,
                "market.customers.segments": 3,
                "market.trends.scan": 1,
                "market.trends.review": 1,
                "organizational.culture.risk": 3,
                "organizational.culture.ideas": 3,
                "organizational.culture.learning": 3,
                "organizational.people.roles": 2,
                "organizational.people.skills": 3,
                "organizational.people.pay": 3,
            },
        )
    )
    result = score_assessment(bank, data)
    assert [(f.rule, f.severity) for f in result.consistency_flags] == [
        ("cost-strategy-premium-inputs", "high"),
        ("weak-trends", "medium"),
        ("weak-organization", "low"),
    ]
    assert result.consistency_flags[0].message == "A low-cost strategy buys premium inputs."
    # The action for a market.trends question answers the rule on its area; the action for the
    # feedback question answers the rule naming that question.
    answers = {item.question: item.answers for item in result.action_plan}
    assert "weak-trends" in answers["market.trends.scan"]
    assert "cost-strategy-premium-inputs" in answers["market.customers.feedback"]
    assert "weak-organization" not in answers["organizational.people.roles"]


def test_rules_on_unscored_areas_do_not_fire() -> None:
    bank = make_bank(rules=RULES)
    result = score_assessment(bank, make_input(response("owner", {"market.trends.scan": 1})))
    # Only "never" holds: its negated comparison with an unanswered question is true.
    assert [f.rule for f in result.consistency_flags] == ["never"]
