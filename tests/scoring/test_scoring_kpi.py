"""KPI status against the expected path (DESIGN.md section 10), computed by hand."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.kpi import (
    ACHIEVED,
    BEHIND,
    NO_DATA,
    ON_TRACK,
    KpiPlan,
    expected_value,
    kpi_status,
)

START, DUE = date(2027, 1, 1), date(2027, 1, 31)  # 30 days
MID = date(2027, 1, 16)  # 15 days in: half way
UP = KpiPlan(direction="up", baseline=10, target=20, start=START, due=DUE)
DOWN = KpiPlan(direction="down", baseline=20, target=10, start=START, due=DUE)


def test_expected_path_is_linear_from_baseline_at_start_to_target_at_due():
    assert expected_value(UP, START - timedelta(days=9)) == 10
    assert expected_value(UP, START) == 10
    assert expected_value(UP, MID) == 15
    assert expected_value(UP, date(2027, 1, 7)) == 12  # 6 of 30 days: a fifth of the way
    assert expected_value(UP, DUE) == 20
    assert expected_value(UP, DUE + timedelta(days=40)) == 20
    assert expected_value(DOWN, MID) == 15
    assert expected_value(KpiPlan("up", None, 20, START, DUE), MID) is None


@pytest.mark.parametrize(
    ("value", "status"),
    [
        # Half way the path expects 15; 10 % of |20 - 10| = 1 of slack below it.
        (Decimal("14"), ON_TRACK),  # exactly on the edge of the slack
        (Decimal("13.99"), BEHIND),
        (Decimal("15"), ON_TRACK),
        (Decimal("19.99"), ON_TRACK),  # ahead of the path: "or better"
        (Decimal("20"), ACHIEVED),  # at the target
        (Decimal("31"), ACHIEVED),  # past it
        (Decimal("3"), BEHIND),
    ],
)
def test_rising_kpi_half_way(value, status):
    assert kpi_status(UP, (MID, value)) == status


@pytest.mark.parametrize(
    ("value", "status"),
    [
        # Lower is better: half way expects 15, and up to 16 is within the slack.
        (Decimal("16"), ON_TRACK),
        (Decimal("16.01"), BEHIND),
        (Decimal("15"), ON_TRACK),
        (Decimal("11"), ON_TRACK),
        (Decimal("10"), ACHIEVED),
        (Decimal("2"), ACHIEVED),
        (Decimal("25"), BEHIND),  # worse than where it started
    ],
)
def test_falling_kpi_half_way(value, status):
    assert kpi_status(DOWN, (MID, value)) == status


def test_before_the_start_the_path_is_the_baseline():
    before = START - timedelta(days=5)
    assert kpi_status(UP, (before, Decimal("9"))) == ON_TRACK  # 10 - 1
    assert kpi_status(UP, (before, Decimal("8.9"))) == BEHIND
    assert kpi_status(DOWN, (before, Decimal("21"))) == ON_TRACK
    assert kpi_status(DOWN, (before, Decimal("21.5"))) == BEHIND


def test_after_the_due_date_the_path_is_the_target():
    late = DUE + timedelta(days=10)
    assert kpi_status(UP, (late, Decimal("19"))) == ON_TRACK  # within 1 of the target
    assert kpi_status(UP, (late, Decimal("18.9"))) == BEHIND
    assert kpi_status(DOWN, (late, Decimal("11"))) == ON_TRACK
    assert kpi_status(DOWN, (late, Decimal("11.5"))) == BEHIND


def test_a_reading_is_judged_on_the_day_it_was_measured():
    # 12 is on track on day 6 (path 12) but behind on day 24 (path 18, slack down to 17).
    assert kpi_status(UP, (date(2027, 1, 7), Decimal("12"))) == ON_TRACK
    assert kpi_status(UP, (date(2027, 1, 25), Decimal("12"))) == BEHIND


def test_no_reading_or_no_target_is_no_data():
    assert kpi_status(UP, None) == NO_DATA
    assert kpi_status(KpiPlan("up", 10, None, START, DUE), (MID, Decimal("12"))) == NO_DATA


def test_without_a_baseline_the_reading_is_its_own_start():
    plan = KpiPlan("up", None, 20, START, DUE)
    assert kpi_status(plan, (START, Decimal("5"))) == ON_TRACK
    assert kpi_status(plan, (MID, Decimal("5"))) == BEHIND  # the path from 5 expects 12.5
    assert kpi_status(plan, (MID, Decimal("20"))) == ACHIEVED


def test_boundaries_are_exact_with_float_plan_fields():
    # In floats 0.2 - 0.1 * 0.1 is 0.19000000000000003, which would call 0.19 behind.
    plan = KpiPlan("up", 0.1, 0.2, START, DUE)
    assert kpi_status(plan, (DUE, Decimal("0.19"))) == ON_TRACK
    assert kpi_status(plan, (DUE, 0.19)) == ON_TRACK
    assert kpi_status(plan, (DUE, Decimal("0.1899"))) == BEHIND


def test_a_due_date_on_the_start_day_never_divides_by_zero():
    plan = KpiPlan("up", 10, 20, START, START)
    assert kpi_status(plan, (START, Decimal("10"))) == ON_TRACK  # the path is at 10 that day
    assert kpi_status(plan, (START + timedelta(days=1), Decimal("10"))) == BEHIND


RANK = {BEHIND: 0, ON_TRACK: 1, ACHIEVED: 2}
numbers = st.integers(min_value=-10_000, max_value=10_000)


@given(
    baseline=numbers,
    target=numbers,
    value=numbers,
    better=st.integers(min_value=0, max_value=5_000),
    day=st.integers(min_value=-60, max_value=120),
    length=st.integers(min_value=0, max_value=90),
)
def test_a_better_reading_never_gets_a_worse_status(baseline, target, value, better, day, length):
    on, due = START + timedelta(days=day), START + timedelta(days=length)
    up = KpiPlan("up", baseline, target, START, due)
    assert RANK[kpi_status(up, (on, value + better))] >= RANK[kpi_status(up, (on, value))]
    down = KpiPlan("down", baseline, target, START, due)
    assert RANK[kpi_status(down, (on, value - better))] >= RANK[kpi_status(down, (on, value))]


@given(baseline=numbers, target=numbers, value=numbers, day=st.integers(-30, 60))
def test_a_falling_kpi_is_the_mirror_of_a_rising_one(baseline, target, value, day):
    on = START + timedelta(days=day)
    up = KpiPlan("up", baseline, target, START, DUE)
    down = KpiPlan("down", -baseline, -target, START, DUE)
    assert kpi_status(up, (on, value)) == kpi_status(down, (on, -value))
    assert expected_value(up, on) == -Fraction(expected_value(down, on) or 0)
