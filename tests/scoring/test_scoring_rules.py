"""Consistency rules: every condition form, nesting, and the flags a scored assessment gets."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_testkit import action_dict, make_bank, make_input, response

from scoring.core import aggregate, bank_index, score, targets_for
from scoring.engine import score_assessment
from scoring.findings import RuleContext, compile_condition
from scoring.rules import (
    AllOf,
    AnyOf,
    AreaScoreBelow,
    Condition,
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
    # (question, level) -> that level's mean
    levels: dict[tuple[str, str], float] = field(default_factory=dict)
    areas: dict[str, float | None] = field(default_factory=dict)
    dimensions: dict[str, float | None] = field(default_factory=dict)

    def strategy_value(self, name: str) -> str | None:
        return self.strategy.get(name)

    def current(self, question: str, level: str | None = None) -> float | None:
        if level is None:
            return self.currents.get(question)
        return self.levels.get((question, level))

    def area_score(self, area: str) -> float | None:
        return self.areas.get(area)

    def dimension_score(self, dimension: str) -> float | None:
        return self.dimensions.get(dimension)


CONTEXT = FakeContext(
    strategy={"value_discipline": "operational_excellence", "primary_value": None, "segment": "x"},
    currents={"q1": 4.0, "q2": 2.5},
    levels={("q1", "owner"): 4.0, ("q1", "others"): 1.0},
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
        (QuestionCurrentAtMost("q1", 2, "others"), True),
        (QuestionCurrentAtMost("q1", 2, "owner"), False),
        (QuestionCurrentAtLeast("q1", 4, "owner"), True),
        (QuestionCurrentAtMost("q1", 5, "staff"), False),
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
    assert condition_to_dict(QuestionCurrentAtMost("q2", 2, "others")) == {
        "question": "q2",
        "level": "others",
        "current_at_most": 2,
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
        "remedies": ["market.customers.feedback"],
    },
    {
        "code": "weak-trends",
        "severity": "medium",
        "message": "Market trends are not watched.",
        "when": {"area": "market.trends", "score_below": 60},
        "remedies": ["market.trends.review", "market.trends.scan"],
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
    scale_back = {"title": "Spend less on {area}", "effort": 1}
    bank = make_bank(
        rules=RULES,
        questions={"market.customers.feedback": {"scale_back": action_dict(**scale_back)}},
    )
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
    assert result.consistency_flags[0].remedies == ("market.customers.feedback",)
    # An item addresses the fired rules that name its question among their remedies.
    addresses = {item.question: item.addresses for item in result.action_plan}
    assert "weak-trends" in addresses["market.trends.scan"]
    assert "weak-trends" in addresses["market.trends.review"]
    assert "cost-strategy-premium-inputs" in addresses["market.customers.feedback"]
    assert "weak-organization" not in addresses["organizational.people.roles"]
    # The high rule's remedy is the first item; above target, it scales back.
    first = result.action_plan[0]
    assert (first.question, first.direction) == ("market.customers.feedback", "scale_back")
    assert first.title == "Spend less on Area market.customers"


def test_rules_on_unscored_areas_do_not_fire() -> None:
    bank = make_bank(rules=RULES)
    result = score_assessment(bank, make_input(response("owner", {"market.trends.scan": 1})))
    # Only "never" holds: its negated comparison with an unanswered question is true.
    assert [f.rule for f in result.consistency_flags] == ["never"]


STAFF_KNOW = {
    "code": "strategy-unknown-to-staff",
    "severity": "high",
    "message": "The people doing the work cannot explain the strategy.",
    "when": {"question": "organizational.people.roles", "level": "others", "current_at_most": 2},
    "remedies": ["organizational.people.roles"],
}


def test_a_level_condition_reads_that_level_and_not_the_pooled_score() -> None:
    bank = make_bank(rules=[STAFF_KNOW])
    rest = dict.fromkeys(
        [
            "market.customers.feedback",
            "market.customers.segments",
            "market.trends.scan",
            "market.trends.review",
        ],
        3,
    )
    owner = response("owner", {**rest, "organizational.people.roles": 4})
    staff = [response("staff", {"organizational.people.roles": 1}) for _ in range(3)]
    result = score_assessment(bank, make_input(owner, *staff))
    assert result.question("organizational.people.roles").current == pytest.approx(2.5)
    assert [f.rule for f in result.consistency_flags] == ["strategy-unknown-to-staff"]
    # Managers and staff are pooled as a mean of their level means.
    manager = response("manager", {"organizational.people.roles": 4})
    result = score_assessment(bank, make_input(owner, manager, *staff))
    assert result.consistency_flags == ()  # others = (4 + 1) / 2 = 2.5
    # No manager or staff answer: the condition is false, whatever the owner says.
    alone = response("owner", {**rest, "organizational.people.roles": 1})
    assert score_assessment(bank, make_input(alone)).consistency_flags == ()


@pytest.mark.parametrize(
    ("level", "expected"),
    [("owner", 4.0), ("manager", 2.0), ("staff", 1.5), ("others", 1.75), (None, 2.5)],
)
def test_each_level_reads_its_own_mean(level: str | None, expected: float) -> None:
    condition: dict[str, object] = {"question": "organizational.people.roles"}
    if level is not None:
        condition["level"] = level
    bank = make_bank(
        rules=[
            {
                "code": "at",
                "severity": "low",
                "message": "m",
                "when": {**condition, "current_at_least": expected},
            },
            {
                "code": "above",
                "severity": "low",
                "message": "m",
                "when": {**condition, "current_at_least": expected + 0.01},
            },
        ]
    )
    data = make_input(
        response("owner", {"organizational.people.roles": 4}),
        response("manager", {"organizational.people.roles": 2}),
        response("staff", {"organizational.people.roles": 1}),
        response("staff", {"organizational.people.roles": 2}),
    )
    assert [f.rule for f in score_assessment(bank, data).consistency_flags] == ["at"]


# --- compiled conditions answer as evaluate() does -------------------------------------------

RULE_BANK = make_bank(pitfall_areas={})
QUESTIONS = list(RULE_BANK.questions)


def _leaves() -> st.SearchStrategy[Condition]:
    bound = st.sampled_from([0, 1, 2, 2.5, 3, 4, 5, 6, 30, 50, 60, 79.99, 100])
    level = st.sampled_from([None, "owner", "manager", "staff", "others"])
    question = st.sampled_from([*QUESTIONS, "not.a.question"])
    return st.one_of(
        st.builds(
            StrategyEquals,
            st.sampled_from(["value_discipline", "primary_value", "segment", "unknown"]),
            st.sampled_from(["operational_excellence", "price", "families", ""]),
        ),
        st.builds(QuestionCurrentAtLeast, question, bound, level),
        st.builds(QuestionCurrentAtMost, question, bound, level),
        st.builds(AreaScoreBelow, st.sampled_from([*RULE_BANK.areas, "no.area"]), bound),
        st.builds(
            DimensionScoreBelow, st.sampled_from([*RULE_BANK.dimensions_by_code, "no"]), bound
        ),
    )


conditions = st.recursive(
    _leaves(),
    lambda inner: st.one_of(
        st.builds(AllOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(Not, inner),
    ),
    max_leaves=6,
)
answers = st.dictionaries(st.sampled_from(QUESTIONS), st.sampled_from([None, 1, 2, 3, 4, 5]))


@settings(max_examples=200, deadline=None)
@given(
    conditions,
    st.lists(st.tuples(st.sampled_from(["owner", "manager", "staff"]), answers), max_size=4),
    st.sampled_from(["operational_excellence", "product_leadership"]),
    st.sampled_from([None, "price"]),
)
def test_a_compiled_condition_holds_exactly_when_evaluate_says_so(
    condition: Condition,
    responses: list[tuple[str, dict[str, int | None]]],
    discipline: str,
    primary_value: str | None,
) -> None:
    data = make_input(
        *(response(level, given) for level, given in responses),
        discipline=discipline,
        primary_value=primary_value,
        segment="families",
    )
    index = bank_index(RULE_BANK)
    answers = aggregate(RULE_BANK, index, data)
    target, terms = targets_for(index, answers.owner_target, discipline)
    scores = score(index, answers.current, target, terms)
    context = RuleContext(index, data.strategy, answers, scores)
    assert compile_condition(condition, index)(context) == evaluate(condition, context)
