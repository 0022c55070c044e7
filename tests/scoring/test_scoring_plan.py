"""Priorities, quadrants, template filling and the capacity-aware schedule."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_testkit import DEFAULT_LAYOUT, make_bank, make_input, response

from scoring.constants import EPSILON
from scoring.engine import score_assessment
from scoring.inputs import AssessmentInput, Response
from scoring.plan import (
    Candidate,
    feasibility_of,
    fill_template,
    rank_priorities,
    schedule_weeks,
    weekly_capacity,
)

ALL = [code for areas in DEFAULT_LAYOUT.values() for codes in areas.values() for code in codes]


@pytest.mark.parametrize(("effort", "feasibility"), [(1, 1.0), (2, 0.8), (3, 0.6), (5, 0.2)])
def test_feasibility_falls_with_effort(effort: int, feasibility: float) -> None:
    assert feasibility_of(effort) == pytest.approx(feasibility)


def test_priorities_sort_by_priority_then_code() -> None:
    ranked = rank_priorities(
        [
            Candidate("b", "A", "D", uplift=2.0, effort=1),  # 2.0
            Candidate("a", "A", "D", uplift=4.0, effort=4),  # 1.6
            Candidate("c", "A", "D", uplift=1.0, effort=1),  # 1.0
            Candidate("d", "A", "D", uplift=10.0, effort=5),  # 2.0
        ]
    )
    assert [p.question for p in ranked] == ["b", "d", "a", "c"]
    assert [p.priority for p in ranked] == pytest.approx([2.0, 2.0, 1.6, 1.0])


def test_quadrants_split_at_the_medians() -> None:
    ranked = rank_priorities(
        [
            Candidate("win", "A", "D", uplift=4.0, effort=1),
            Candidate("thankless", "A", "D", uplift=2.0, effort=5),
            Candidate("fill", "A", "D", uplift=1.0, effort=1),
            Candidate("major", "A", "D", uplift=3.0, effort=5),
        ]
    )
    # Median uplift 2.5, median feasibility 0.6.
    assert {p.question: p.quadrant for p in ranked} == {
        "win": "quick_win",
        "thankless": "thankless",
        "fill": "fill_in",
        "major": "major_project",
    }


def test_a_value_at_the_median_counts_as_high() -> None:
    ranked = rank_priorities([Candidate("only", "A", "D", uplift=1.0, effort=3)])
    assert ranked[0].quadrant == "quick_win"


def test_template_placeholders_are_filled_and_unknown_ones_kept() -> None:
    values = {"organization": "Crumb & Co", "segment": "budget families", "area": "Pricing"}
    text = "{organization} sells to {segment} ({area}); {unknown} {0} {area!r} {{area}} {"
    assert fill_template(text, values) == (
        "Crumb & Co sells to budget families (Pricing); {unknown} {0} {area!r} {Pricing} {"
    )
    assert fill_template("no placeholders", values) == "no placeholders"


def test_weekly_capacity_converts_months_to_weeks() -> None:
    assert weekly_capacity(13) == pytest.approx(3.0)
    assert weekly_capacity(8) == pytest.approx(8 * 12 / 52)


def test_schedule_waits_for_capacity() -> None:
    # Capacity 3/week. A: 2/week for 4 weeks; B: 2/week for 2 weeks cannot run beside A;
    # C: 1/week fits beside A.
    assert schedule_weeks([(8, 4), (4, 2), (2, 2)], 3.0) == [0, 4, 0]


def test_schedule_skips_past_every_blocked_week() -> None:
    # A fills weeks 0-1; B (1/week) starts at week 2; C (3/week) fits only after B, week 5.
    assert schedule_weeks([(6, 2), (3, 3), (3, 1)], 3.0) == [0, 2, 5]


def test_item_larger_than_capacity_runs_when_nothing_else_does() -> None:
    # B alone needs 5/week against 3: it waits until A is over, then C squeezes in at week 0,
    # and D, also oversized, waits until B is over.
    assert schedule_weeks([(4, 4), (10, 2), (1, 1), (12, 2)], 3.0) == [0, 4, 0, 6]


def test_load_exactly_at_capacity_fits() -> None:
    assert schedule_weeks([(6, 2), (6, 2)], 3.0) == [0, 2]
    assert schedule_weeks([(3, 3), (6, 3)], 3.0) == [0, 0]


def test_action_plan_from_templates_with_dates() -> None:
    questions = {
        "market.customers.feedback": {
            "action": {"effort": 1, "effort_days": 8, "duration_weeks": 4}
        },
        "market.customers.segments": {
            "action": {"effort": 1, "effort_days": 4, "duration_weeks": 2}
        },
    }
    bank = make_bank(questions=questions)
    answers = dict.fromkeys(ALL, 3) | {
        "market.customers.feedback": 1,
        "market.customers.segments": 2,
    }
    data = make_input(response("owner", answers), capacity=13.0, plan_start=date(2027, 1, 4))
    result = score_assessment(bank, data)
    first, second = result.action_plan
    assert first.question == "market.customers.feedback"
    assert (first.start_week, first.start, first.due) == (0, date(2027, 1, 4), date(2027, 2, 1))
    assert (second.start_week, second.start, second.due) == (4, date(2027, 2, 1), date(2027, 2, 15))
    assert first.title == "Improve Area market.customers"
    assert first.specific == "Crumb & Co works on Area market.customers for budget families"
    assert first.kpi == "share of Area market.customers done"
    # Measurable: the KPI's own unit and target; the practice levels travel apart.
    assert (first.unit, first.kpi_direction, first.baseline, first.target) == ("%", "up", None, 80)
    assert (first.practice_from, first.practice_to, first.direction) == (1.0, 3.0, "raise")
    assert (first.effort, first.effort_days) == (1, 8)
    assert first.feasibility == pytest.approx(1.0)
    assert first.expected_uplift == pytest.approx(result.priorities[0].uplift)
    assert (first.dimension, first.area, first.owner_role) == (
        "market",
        "market.customers",
        "owner",
    )


def test_top_k_limits_the_plan() -> None:
    bank = make_bank()
    data = make_input(response("owner", dict.fromkeys(ALL, 1)))
    assert len(score_assessment(bank, data).action_plan) == 8
    assert len(score_assessment(bank, data, top_k=3).action_plan) == 3
    assert score_assessment(bank, data, top_k=0).action_plan == ()
    assert len(score_assessment(bank, data, top_k=50).action_plan) == len(ALL)


def with_current(data: AssessmentInput, code: str, value: int) -> AssessmentInput:
    """Return the input with every non-null current of one question set to value."""
    responses = []
    for r in data.responses:
        answers = dict(r.answers)
        if code in answers and answers[code].current is not None:
            answers[code] = type(answers[code])(current=value, target=answers[code].target)
        responses.append(Response(r.level, answers))
    return AssessmentInput(
        strategy=data.strategy,
        organization=data.organization,
        plan_start=data.plan_start,
        responses=tuple(responses),
    )


@pytest.mark.parametrize("seed", range(5))
def test_incremental_uplift_matches_a_full_rescoring(seed: int) -> None:
    rng = random.Random(seed)
    bank = make_bank(
        area_weights={"market.trends": 2.0, "organizational.people": 0.5},
        dimension_weights={"market": 1.5},
        questions={"market.trends.scan": {"weight": 3.0}},
    )
    levels = ["owner", "manager", "staff", "staff", "staff"]
    data = make_input(
        *[response(level, {c: rng.choice([1, 2, 3, 4, 5, None]) for c in ALL}) for level in levels],
        discipline=rng.choice(["operational_excellence", "product_leadership"]),
    )
    result = score_assessment(bank, data)
    assert result.priorities
    for priority in result.priorities:
        target = int(result.question(priority.question).target)
        rescored = score_assessment(bank, with_current(data, priority.question, target))
        if result.alignment_index is None:
            assert priority.uplift == 0.0
        else:
            expected = rescored.alignment_index - result.alignment_index
            assert priority.uplift == pytest.approx(expected, abs=1e-9)


def test_questions_in_unscored_areas_are_priorities_with_no_uplift() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3) | {"market.trends.scan": 1, "market.trends.review": None}
    result = score_assessment(bank, make_input(response("owner", answers)))
    assert result.area("market.trends").score is None
    (priority,) = result.priorities
    assert priority.question == "market.trends.scan"
    assert priority.uplift == 0.0
    assert priority.priority == 0.0


def test_only_questions_with_a_misfit_become_priorities() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3) | {"market.customers.feedback": 5, "market.trends.scan": 2}
    result = score_assessment(bank, make_input(response("owner", answers)))
    assert {p.question for p in result.priorities} == {
        "market.customers.feedback",
        "market.trends.scan",
    }
    # Overkill (m 0.25) and a one-point shortfall (m 0.25) weigh the same here.
    assert result.priorities[0].uplift == pytest.approx(result.priorities[1].uplift)
    assert [p.question for p in result.priorities] == [
        "market.customers.feedback",
        "market.trends.scan",
    ]


def naive_schedule(items: list[tuple[float, int]], capacity: float) -> list[int]:
    """Section 6 read literally: each item at the earliest week where no week it occupies goes
    over capacity; an item over capacity on its own waits for weeks where nothing runs."""
    used: dict[int, float] = {}
    starts = []
    for effort_days, duration in items:
        load = effort_days / duration
        oversize = load > capacity + EPSILON
        start = 0
        while not all(
            used.get(week, 0.0) == 0.0
            if oversize
            else used.get(week, 0.0) <= capacity + EPSILON - load
            for week in range(start, start + duration)
        ):
            start += 1
        for week in range(start, start + duration):
            used[week] = used.get(week, 0.0) + load
        starts.append(start)
    return starts


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.5, 1, 2, 3, 4, 8, 15, 30]), st.integers(1, 8)), max_size=10
    ),
    st.sampled_from([0.5, 12 / 52 * 4, 1.0, 3.0, 12 / 52 * 16]),
)
def test_the_schedule_is_the_one_section_6_describes(
    items: list[tuple[float, int]], capacity: float
) -> None:
    assert schedule_weeks(items, capacity) == naive_schedule(items, capacity)
