"""KPI status of an action item against its expected path (DESIGN.md section 10).

The expected path runs in a straight line from the baseline at the item's start to the target
at its due date, flat before the start and after the due date. The latest reading is judged
against the path on the day it was measured, so an old reading is never compared with where
the KPI should be today.

Arithmetic is exact (fractions): values arrive as decimals or floats, and a reading that sits
exactly on a boundary must land on the same side every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Final, TypeAlias

__all__ = [
    "ACHIEVED",
    "BEHIND",
    "KPI_STATUSES",
    "NO_DATA",
    "ON_TRACK",
    "TOLERANCE",
    "KpiPlan",
    "expected_value",
    "kpi_status",
]

NO_DATA: Final = "no_data"
ON_TRACK: Final = "on_track"
BEHIND: Final = "behind"
ACHIEVED: Final = "achieved"
KPI_STATUSES: Final = (NO_DATA, ON_TRACK, BEHIND, ACHIEVED)
# How far from the expected path still counts as on track: a share of |target - baseline|.
TOLERANCE: Final = Fraction(1, 10)

Number: TypeAlias = Decimal | float | int | Fraction


def _exact(value: Number) -> Fraction:
    # A float goes through its shortest decimal form: 0.1 stays one tenth, as the user typed it.
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


@dataclass(frozen=True, slots=True)
class KpiPlan:
    """What an action item promises about its KPI: from baseline at start to target by due."""

    direction: str  # "up": higher is better; "down": lower is better
    baseline: Number | None
    target: Number | None
    start: date
    due: date

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "down"


def expected_value(plan: KpiPlan, on: date) -> Fraction | None:
    """Return where the KPI should be on a day, or None without a baseline and a target."""
    if plan.baseline is None or plan.target is None:
        return None
    return _path(_exact(plan.baseline), _exact(plan.target), plan.start, plan.due, on)


def _path(baseline: Fraction, target: Fraction, start: date, due: date, on: date) -> Fraction:
    if on <= start:
        return baseline
    if on >= due:
        return target
    elapsed = Fraction((on - start).days, (due - start).days)
    return baseline + (target - baseline) * elapsed


def kpi_status(plan: KpiPlan, latest: tuple[date, Number] | None) -> str:
    """Return no_data, achieved, on_track or behind for the latest (date, value) reading.

    Without a reading, or without a target to aim at, there is nothing to judge: no_data.
    A reading at or past the target in the KPI's direction is achieved. Otherwise it is on track
    when it is no more than 10 % of |target - baseline| on the wrong side of the expected path.
    """
    if latest is None or plan.target is None:
        return NO_DATA
    measured_on, raw = latest
    value, target = _exact(raw), _exact(plan.target)
    # Without a baseline the reading is its own starting point (the first one sets it).
    baseline = value if plan.baseline is None else _exact(plan.baseline)
    sign = -1 if plan.lower_is_better else 1
    if sign * (value - target) >= 0:
        return ACHIEVED
    expected = _path(baseline, target, plan.start, plan.due, measured_on)
    allowed = TOLERANCE * abs(target - baseline)
    return ON_TRACK if sign * (value - expected) >= -allowed else BEHIND
