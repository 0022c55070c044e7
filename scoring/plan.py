"""Priorities, quadrants and the capacity-aware SMART action plan."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple, TypeAlias

from scoring.bank import Bank
from scoring.constants import EPSILON, MONTHS_PER_YEAR, WEEKS_PER_YEAR
from scoring.inputs import OrganizationInfo, Strategy
from scoring.records import records

__all__ = [
    "ActionItem",
    "Candidate",
    "Priority",
    "build_action_plan",
    "feasibility_of",
    "fill_template",
    "quadrant_of",
    "rank_priorities",
    "rank_priorities_at",
    "schedule_weeks",
    "weekly_capacity",
]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A question with a misfit, and the AI it would add if brought to target."""

    question: str
    area: str
    dimension: str
    uplift: float
    effort: int


class Priority(NamedTuple):
    question: str
    area: str
    dimension: str
    uplift: float
    feasibility: float
    priority: float
    quadrant: str


class ActionItem(NamedTuple):
    question: str
    title: str
    specific: str
    kpi: str
    unit: str
    baseline: float
    target: float
    effort: int
    effort_days: float
    feasibility: float
    owner_role: str
    dimension: str
    area: str
    expected_uplift: float
    answers: tuple[str, ...]
    start: date
    due: date
    start_week: int
    duration_weeks: int
    weekly_load: float


def feasibility_of(effort: int) -> float:
    """Return (6 - effort)/5: 1.0 for a trivial action, 0.2 for a major project."""
    return (6 - effort) / 5


def quadrant_of(
    uplift: float, feasibility: float, uplift_median: float, feasibility_median: float
) -> str:
    """Return the impact/feasibility quadrant; a value at its median counts as high."""
    high_impact = uplift >= uplift_median - EPSILON
    high_feasibility = feasibility >= feasibility_median - EPSILON
    if high_impact:
        return "quick_win" if high_feasibility else "major_project"
    return "fill_in" if high_feasibility else "thankless"


def _median(values: list[float]) -> float:
    values.sort()
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


# round(p, 12) moves a priority p of magnitude at most _ROUNDED_RANGE by less than 0.6e-12, so
# it can only reorder or tie priorities less than 1.2e-12 apart.
_ROUNDING_REACH = 2e-12
_ROUNDED_RANGE = 1000.0

_Keyed: TypeAlias = tuple[float, str, str, str, float, float]


def _rank(rows: list[tuple[str, str, str, float, float]]) -> tuple[Priority, ...]:
    """Rank (question, area, dimension, uplift, feasibility) rows into priorities."""
    if not rows:
        return ()
    # A value at its median counts as high (the rule of quadrant_of, inlined for speed).
    high_uplift = _median([row[3] for row in rows]) - EPSILON
    high_feasibility = _median([row[4] for row in rows]) - EPSILON
    ranked = []
    for _, question, area, dimension, uplift, feasibility in _sorted_by_priority(rows):
        if uplift >= high_uplift:
            quadrant = "quick_win" if feasibility >= high_feasibility else "major_project"
        else:
            quadrant = "fill_in" if feasibility >= high_feasibility else "thankless"
        ranked.append(
            (question, area, dimension, uplift, feasibility, uplift * feasibility, quadrant)
        )
    return tuple(records(Priority, ranked))


def _sorted_by_priority(rows: list[tuple[str, str, str, float, float]]) -> list[_Keyed]:
    """Return (-priority, question, area, dimension, uplift, feasibility), best first.

    Priorities equal but for the last bits of float arithmetic are a tie, broken by code
    (codes are unique, so the tuples never compare beyond it): the order is that of
    (-round(priority, 12), code). round() is slow, so only priorities within its reach of a
    neighbour are rounded; the others compare with everything exactly as their rounded values
    would.
    """
    keyed = sorted([(-(u * f), q, a, d, u, f) for q, a, d, u, f in rows])
    near: Iterable[int]
    if keyed[0][0] < -_ROUNDED_RANGE or keyed[-1][0] > _ROUNDED_RANGE:
        near = range(len(keyed))
    else:
        near = {j for j in range(1, len(keyed)) if keyed[j][0] - keyed[j - 1][0] <= _ROUNDING_REACH}
        near.update([j - 1 for j in near])
    if near:
        for j in near:
            _, q, a, d, u, f = keyed[j]
            keyed[j] = (-round(u * f, 12), q, a, d, u, f)
        keyed.sort()
    return keyed


def rank_priorities(candidates: Iterable[Candidate]) -> tuple[Priority, ...]:
    """Return the priorities best first (priority desc, then code), with their quadrants."""
    return _rank(
        [(c.question, c.area, c.dimension, c.uplift, feasibility_of(c.effort)) for c in candidates]
    )


def rank_priorities_at(
    candidates: Sequence[int],
    uplifts: Sequence[float],
    *,
    codes: Sequence[str],
    area_of: Sequence[int],
    area_codes: Sequence[str],
    area_dimension: Sequence[int],
    dimension_codes: Sequence[str],
    feasibility: Sequence[float],
) -> tuple[Priority, ...]:
    """Rank candidate question positions, reading codes and feasibility from bank arrays."""
    rows = []
    for i, uplift in zip(candidates, uplifts, strict=True):
        a = area_of[i]
        rows.append(
            (codes[i], area_codes[a], dimension_codes[area_dimension[a]], uplift, feasibility[i])
        )
    return _rank(rows)


_PLACEHOLDERS = ("organization", "segment", "area")


@functools.lru_cache(maxsize=4096)
def _format_string(text: str) -> str:
    # Every brace escaped but those of the three known placeholders: str.format then fills
    # them and leaves any other brace text exactly as written. A bank has few templates, so
    # each is prepared once instead of once per assessment.
    escaped = text.replace("{", "{{").replace("}", "}}")
    for name in _PLACEHOLDERS:
        escaped = escaped.replace("{{" + name + "}}", "{" + name + "}")
    return escaped


class _KeepUnknown(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, values: dict[str, str]) -> str:
    # values holds all three placeholders, so no default is needed on this path.
    return _format_string(text).format_map(values) if "{" in text else text


def fill_template(text: str, values: Mapping[str, str]) -> str:
    """Fill {organization}, {segment} and {area}; leave any other brace text untouched."""
    if "{" not in text:
        return text
    return _format_string(text).format_map(_KeepUnknown(values))


def weekly_capacity(capacity_days_per_month: float) -> float:
    """Return person-days per week available for improvement work."""
    return capacity_days_per_month * MONTHS_PER_YEAR / WEEKS_PER_YEAR


def schedule_weeks(items: Sequence[tuple[float, int]], capacity: float) -> list[int]:
    """Return the start week of each (effort_days, duration_weeks), greedily in the given order."""
    used: list[float] = []
    starts: list[int] = []
    for effort_days, duration in items:
        load = effort_days / duration
        # An item that alone exceeds the capacity can only run while nothing else does.
        oversize = load > capacity + EPSILON
        room = 0.0 if oversize else capacity + EPSILON - load  # the most a week may already hold
        # One pass over the weeks already planned, counting the run of weeks that can take
        # the item; past the last planned week every week is free.
        run = 0
        week = 0
        planned = len(used)
        while run < duration and week < planned:
            taken = used[week]
            fits = taken == 0.0 if oversize else taken <= room
            run = run + 1 if fits else 0
            week += 1
        start = week - run
        end = start + duration
        if len(used) < end:
            used.extend([0.0] * (end - len(used)))
        for week in range(start, end):
            used[week] += load
        starts.append(start)
    return starts


def build_action_plan(
    bank: Bank,
    priorities: Sequence[Priority],
    *,
    currents: Mapping[str, float],
    targets: Mapping[str, float],
    organization: OrganizationInfo,
    strategy: Strategy,
    plan_start: date,
    answers: Mapping[str, tuple[str, ...]],
    top_k: int = 8,
) -> tuple[ActionItem, ...]:
    """Turn the top_k priorities into SMART action items scheduled against the capacity."""
    chosen = list(priorities[: max(0, top_k)])
    if not chosen:
        return ()
    templates = [bank.question(p.question).action for p in chosen]
    starts = schedule_weeks(
        [(t.effort_days, t.duration_weeks) for t in templates],
        weekly_capacity(organization.capacity_days_per_month),
    )
    organization_name = organization.name
    segment = strategy.segment
    week = timedelta(days=7)
    rows = []
    for priority, template, start_week in zip(chosen, templates, starts, strict=True):
        values = {
            "organization": organization_name,
            "segment": segment,
            "area": bank.area(priority.area).title,
        }
        code = priority.question
        start = plan_start + week * start_week
        duration = template.duration_weeks
        rows.append(
            (  # the fields of ActionItem
                code,
                _fill(template.title, values),
                _fill(template.specific, values),
                _fill(template.kpi, values),
                template.unit,
                currents[code],
                targets[code],
                template.effort,
                template.effort_days,
                priority.feasibility,
                template.owner_role,
                priority.dimension,
                priority.area,
                priority.uplift,
                answers.get(code, ()),
                start,
                start + week * duration,
                start_week,
                duration,
                template.effort_days / duration,
            )
        )
    return tuple(records(ActionItem, rows))
