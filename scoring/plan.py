"""Priorities, the v2 plan selection and the capacity-aware SMART action plan (section 6)."""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, NamedTuple, TypeAlias

from scoring.bank import ActionTemplate
from scoring.constants import COMPARE_DECIMALS, EPSILON, MONTHS_PER_YEAR, WEEKS_PER_YEAR
from scoring.core import (
    BankIndex,
    Scores,
    alignment_from_areas,
    area_score_of,
    feasibility_of,
)
from scoring.records import records
from scoring.text import localize

__all__ = [
    "ActionItem",
    "Candidate",
    "PlanPick",
    "Priority",
    "build_items",
    "feasibility_of",
    "fill_template",
    "quadrant_of",
    "rank_priorities",
    "rank_priorities_at",
    "schedule_weeks",
    "select_plan",
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
    direction: str = "raise"


class Priority(NamedTuple):
    question: str
    area: str
    dimension: str
    uplift: float
    feasibility: float
    priority: float
    quadrant: str
    direction: str  # "raise" (C < T) | "scale_back" (C > T, overkill)


class ActionItem(NamedTuple):
    question: str
    direction: str  # "raise" | "scale_back"
    title: str
    specific: str
    kpi: str
    unit: str
    kpi_direction: str  # "up" | "down": which way the KPI gets better
    baseline: float | None  # the KPI's first reading; None until there is one
    target: float | None  # the template's kpi_target, in the KPI's unit
    practice_from: float  # C_q
    practice_to: float  # T_q
    effort: int
    effort_days: int | float  # as the bank gives it (a whole 8 stays 8 in the result)
    feasibility: float
    owner_role: str
    dimension: str
    area: str
    addresses: tuple[str, ...]  # fired rule codes, then pitfall codes
    expected_uplift: float
    start: date
    due: date
    start_week: int
    duration_weeks: int
    weekly_load: float


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
_ROUNDING_REACH: Final = 2e-12
_ROUNDED_RANGE: Final = 1000.0

# (-priority, code, position in the candidate lists): what the priorities are sorted by.
_Keyed: TypeAlias = tuple[float, str, int]

_first: Final = operator.itemgetter(0)


def _rank(
    uplifts: list[float],
    feasibilities: list[float],
    codes: list[str],
    areas: list[str],
    dimensions: list[str],
    directions: list[str],
) -> tuple[Priority, ...]:
    """Rank the candidates given as parallel lists (uplift, feasibility, codes, direction)."""
    if not uplifts:
        return ()
    # A value at its median counts as high (the rule of quadrant_of, inlined for speed).
    high_uplift = _median(list(uplifts)) - EPSILON
    high_feasibility = _median(list(feasibilities)) - EPSILON
    keyed = [(-(uplifts[j] * feasibilities[j]), codes[j], j) for j in range(len(uplifts))]
    ranked = []
    for _, question, j in _sorted_by_priority(keyed, uplifts, feasibilities):
        uplift = uplifts[j]
        feasibility = feasibilities[j]
        if uplift >= high_uplift:
            quadrant = "quick_win" if feasibility >= high_feasibility else "major_project"
        else:
            quadrant = "fill_in" if feasibility >= high_feasibility else "thankless"
        ranked.append(
            (  # the fields of Priority
                question,
                areas[j],
                dimensions[j],
                uplift,
                feasibility,
                uplift * feasibility,
                quadrant,
                directions[j],
            )
        )
    return tuple(records(Priority, ranked))


def _sorted_by_priority(
    keyed: list[_Keyed], uplifts: list[float], feasibilities: list[float]
) -> list[_Keyed]:
    """Sort (-priority, code, position), best first.

    Priorities equal but for the last bits of float arithmetic are a tie, broken by code
    (codes are unique, so the tuples never compare beyond it): the order is that of
    (-round(priority, 12), code). round() is slow, so only priorities within its reach of a
    neighbour are rounded; the others compare with everything exactly as their rounded values
    would. The first sort compares the negated priorities alone (a float key compares several
    times faster than a tuple): equal ones are within reach of each other, so the runs sorted
    again put them in code order.
    """
    keyed.sort(key=_first)
    if keyed[0][0] < -_ROUNDED_RANGE or keyed[-1][0] > _ROUNDED_RANGE:
        near = list(range(len(keyed)))
    else:
        close = {
            j for j in range(1, len(keyed)) if keyed[j][0] - keyed[j - 1][0] <= _ROUNDING_REACH
        }
        close.update([j - 1 for j in close])
        near = sorted(close)
    if not near:
        return keyed
    for j in near:
        _, code, k = keyed[j]
        keyed[j] = (-round(uplifts[k] * feasibilities[k], 12), code, k)
    # Rounding moves a value by less than 0.6e-12 and a value left unrounded is more than the
    # reach from its neighbours, so no value passes it: each run of adjacent rounded values is
    # sorted again on its own.
    start = previous = near[0]
    for j in near[1:]:
        if j != previous + 1:
            keyed[start : previous + 1] = sorted(keyed[start : previous + 1])
            start = j
        previous = j
    keyed[start : previous + 1] = sorted(keyed[start : previous + 1])
    return keyed


def rank_priorities(candidates: Iterable[Candidate]) -> tuple[Priority, ...]:
    """Return the priorities best first (priority desc, then code), with their quadrants."""
    given = list(candidates)
    return _rank(
        [c.uplift for c in given],
        [feasibility_of(c.effort) for c in given],
        [c.question for c in given],
        [c.area for c in given],
        [c.dimension for c in given],
        [c.direction for c in given],
    )


def rank_priorities_at(
    candidates: list[int],
    uplifts: list[float],
    *,
    codes: tuple[str, ...],
    area_codes: tuple[str, ...],
    dimension_codes: tuple[str, ...],
    feasibility: list[float],
    directions: list[str],
) -> tuple[Priority, ...]:
    """Rank candidate question positions, reading codes and feasibility from bank arrays.

    codes, area_codes and dimension_codes are per question position (its own code, its
    area's and its dimension's); uplifts and directions are per candidate.
    """
    return _rank(
        uplifts,
        [feasibility[i] for i in candidates],
        [codes[i] for i in candidates],
        [area_codes[i] for i in candidates],
        [dimension_codes[i] for i in candidates],
        directions,
    )


_PLACEHOLDERS: Final = ("organization", "segment", "area")


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
    # A week holding more than the capacity takes no further item, whatever its load: the scan
    # starts after the run of such weeks at the beginning of the plan (it grows as they fill).
    full = capacity + EPSILON
    first_open = 0
    for effort_days, duration in items:
        load = effort_days / duration
        # An item that alone exceeds the capacity can only run while nothing else does.
        oversize = load > full
        room = 0.0 if oversize else full - load  # the most a week may already hold
        # One pass over the weeks already planned, counting the run of weeks that can take
        # the item; past the last planned week every week is free.
        run = 0
        week = first_open
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
        while first_open < len(used) and used[first_open] > full:
            first_open += 1
        starts.append(start)
    return starts


# --- the v2 plan: reserved picks for what the diagnosis found, then greedy re-scoring -------


class PlanPick(NamedTuple):
    question: int  # position in the bank
    gain: float  # AI after cur_q := T_q minus AI before, at the moment of the pick


class _PlanState:
    """The scores of `cur` as the plan moves questions to their targets, kept incrementally.

    Moving one C_q to T_q changes one area's misfit sum, so one area score, one dimension
    score and the index: the gain of a candidate is O(1) (the dimension's change, its share of
    the weighted mean, and what it does to the minimum), and a pick re-sums only its own area,
    in the same order as a full scoring, so the final index is exactly that of a re-score.
    """

    __slots__ = (
        "alignment_index",
        "area_den",
        "area_num",
        "area_score",
        "complete",
        "contribution",
        "dimension_score",
        "index",
        "lowest",
        "lowest_at",
        "scored_weight",
        "second",
        "total_weight",
    )

    def __init__(self, index: BankIndex, scores: Scores) -> None:
        self.index = index
        self.contribution = list(scores.contribution)
        self.area_num = list(scores.area_num)
        self.area_den = scores.area_den
        self.area_score = list(scores.area_score)
        # Every area scored (and no dimension empty); picks never change which areas are.
        self.complete = index.no_empty_dimension and None not in self.area_score
        self.dimension_score = list(scores.dimension_score)
        self.scored_weight = scores.dimension_scored_weight
        weights = index.dimension_weight_float
        # Added in order from 0.0 as sum() adds them, but typed float (sum() may give an int).
        total_weight = 0.0
        for d, s in enumerate(self.dimension_score):
            if s is not None:
                total_weight += weights[d]
        self.total_weight = total_weight
        self.alignment_index = scores.alignment_index
        self.lowest_at = -1
        self.lowest = 0.0
        self.second: float | None = None
        self._find_lowest()

    def _find_lowest(self) -> None:
        lowest_at = -1
        lowest = second = 0.0
        have_second = False
        for d, s in enumerate(self.dimension_score):
            if s is None:
                continue
            if lowest_at < 0:
                lowest_at, lowest = d, s
            elif s < lowest:
                second, have_second = lowest, True
                lowest_at, lowest = d, s
            elif not have_second or s < second:
                second, have_second = s, True
        self.lowest_at = lowest_at
        self.lowest = lowest
        self.second = second if have_second else None

    def dimension_gain(self, i: int) -> float:
        """Return how much the score of q's dimension rises when C_q reaches T_q."""
        index = self.index
        a = index.area_of[i]
        old = self.area_score[a]
        if old is None:
            return 0.0
        num = self.area_num[a]
        den = self.area_den[a]
        if den <= 0.0:
            rise = 0.0
        elif num <= den:  # the area score is not held at 0: it rises by q's share, linearly
            rise = 100.0 * self.contribution[i] / den
        else:
            rise = area_score_of(num - self.contribution[i], den) - old
        return index.area_weight_float[a] * rise / self.scored_weight[index.area_dimension[a]]

    def gain(self, d: int, dimension_gain: float) -> float:
        """Return AI(cur with C_q := T_q) - AI(cur) for a question of dimension d."""
        half_mean_gain = 0.5 * (
            self.index.dimension_weight_float[d] * dimension_gain / self.total_weight
        )
        if d != self.lowest_at:
            return half_mean_gain
        raised = self.lowest + dimension_gain
        second = self.second
        min_gain = (raised if second is None or raised < second else second) - self.lowest
        return half_mean_gain + 0.5 * min_gain

    def reach_target(self, i: int, dimension_gain: float) -> tuple[float, bool]:
        """Set C_q := T_q; return the gain and whether q's area score was held at 0."""
        index = self.index
        a = index.area_of[i]
        d = index.area_dimension[a]
        gain = self.gain(d, dimension_gain)
        clamped = self.area_num[a] > self.area_den[a]
        self.area_num[a] -= self.contribution[i]
        self.contribution[i] = 0.0
        if clamped:
            self.area_score[a] = area_score_of(self.area_num[a], self.area_den[a])
        score = self.dimension_score[d]
        if score is None:  # pragma: no cover - a candidate's area is scored
            return gain, clamped
        self.dimension_score[d] = score + dimension_gain
        second = self.second
        # A dimension that rises changes the lowest and second lowest scores only when it was
        # one of them.
        if d == self.lowest_at or (second is not None and score <= second):
            self._find_lowest()
        return gain, clamped

    def exact_index(self, areas: Iterable[int]) -> float | None:
        """Return AI of the current `cur` summed as a full scoring sums it.

        Each changed area is re-summed in question order and the index computed from the area
        scores as score() computes it, so the result is the index a re-score of `cur` gives,
        to the last bit.
        """
        index = self.index
        contribution = self.contribution
        area_score = list(self.area_score)
        for a in areas:
            num = 0.0
            for c in contribution[index.area_span[a]]:
                num += c
            area_score[a] = area_score_of(num, self.area_den[a])
        return alignment_from_areas(index, area_score, complete=self.complete)


_Ranked: TypeAlias = tuple[float, str, int]  # (-value, code, position)

# Values within this of each other may round to the same 9 decimals (or apart): compared
# rounded. Any others compare the same rounded or not.
_ROUND_REACH: Final = 2e-9


def _best_of(options: Sequence[tuple[float, int]], best_value: float, codes: Sequence[str]) -> int:
    """Return the position of the best (value, position) option, values rounded to 9 decimals.

    best_value is the highest value. Only the options within reach of it can be the best
    once rounded, ties by code; round() is slow, so a lone one is taken as it is.
    """
    floor = best_value - _ROUND_REACH
    close = [option for option in options if option[0] >= floor]
    if len(close) == 1:
        return close[0][1]
    return min((-round(value, COMPARE_DECIMALS), codes[i], i) for value, i in close)[2]


def select_plan(
    index: BankIndex,
    scores: Scores,
    candidates: dict[int, float],
    reserved: list[tuple[int, ...]],
    top_k: int,
    dimension_gains: list[float] | None = None,
) -> tuple[list[PlanPick], float | None]:
    """Choose the plan of DESIGN.md section 6 (v2) and return it with plan_projected_index.

    candidates maps each candidate's position to the feasibility of its applicable template;
    reserved lists, in order, the remedies of each fired high rule and then of each fired
    pitfall. value = gain · feasibility, compared rounded to 9 decimals, ties by code; the
    gain is that of the moment of the pick, so the gains add up to the final index minus AI.
    dimension_gains, when given, holds per question position the rise of its dimension's
    score (of candidate_gains; only the candidates' are read).
    """
    if not candidates or top_k <= 0 or scores.alignment_index is None:
        return [], scores.alignment_index
    state = _PlanState(index, scores)
    codes = index.codes
    area_of = index.area_of
    question_dimension = index.question_dimension
    if dimension_gains is None:
        delta = [0.0] * len(codes)
        for i in candidates:
            delta[i] = state.dimension_gain(i)
    else:
        delta = list(dimension_gains)
    picks: list[tuple[int, float]] = []
    picked: set[int] = set()
    touched: set[int] = set()
    gain_of = state.gain

    def take(i: int) -> bool:
        gain, clamped = state.reach_target(i, delta[i])
        picks.append((i, gain))
        picked.add(i)
        touched.add(area_of[i])
        if clamped:
            # The area's score was held at 0: its other questions' gains changed too.
            a = area_of[i]
            for j in candidates:
                if j not in picked and area_of[j] == a:
                    delta[j] = state.dimension_gain(j)
        return clamped

    for remedies in reserved:
        if len(picks) >= top_k:
            break
        if not picked.isdisjoint(remedies):
            continue
        remedy_options = [
            (gain_of(question_dimension[i], delta[i]) * candidates[i], i)
            for i in remedies
            if i in candidates
        ]
        if remedy_options:
            take(_best_of(remedy_options, max([value for value, _ in remedy_options]), codes))

    # Outside the lowest dimension a gain is half the candidate's share of the weighted mean,
    # which no pick changes (but in an area held at 0): those values are sorted once. Inside
    # it the minimum rises too, by at most the candidate's own dimension gain: a dimension's
    # candidates are sorted by that bound when it first is the lowest, and a scan stops once
    # the bound cannot win. Values are compared unrounded, and those within reach of the best
    # once more rounded to 9 decimals, ties by code (_best_of): the same choice as comparing
    # them all rounded, without rounding them all. The scans collect every value within reach
    # of the best, so the order of equal values in the sorted lists does not matter.
    weights = index.dimension_weight_float
    half = [0.0] * len(codes)
    bounded: dict[int, list[tuple[float, int]]] = {}

    def orders() -> list[tuple[float, int]]:
        total = state.total_weight
        bounded.clear()
        rows = []
        for i, f in candidates.items():
            if i not in picked:
                # The value exactly as state.gain computes it outside the lowest dimension.
                h = half[i] = 0.5 * (weights[question_dimension[i]] * delta[i] / total)
                rows.append((-(h * f), i))
        rows.sort(key=_first)  # the order of equal values does not matter (above)
        return rows

    def bounded_of(d: int) -> list[tuple[float, int]]:
        rows = bounded.get(d)
        if rows is None:
            rows = [
                (-((half[i] + 0.5 * delta[i]) * candidates[i]), i)
                for i in index.dimension_questions[d]
                if i in candidates and i not in picked
            ]
            rows.sort(key=_first)
            bounded[d] = rows
        return rows

    flat = orders()
    cursor = 0
    reach = _ROUND_REACH
    while len(picks) < top_k and len(picked) < len(candidates):
        lowest_at = state.lowest_at
        lowest = state.lowest
        second = state.second
        best_value = -math.inf
        options: list[tuple[float, int]] = []
        for bound, i in bounded_of(lowest_at):
            if i in picked:
                continue
            if -bound < best_value - reach:
                break  # its bound is below the best value found: nothing further can win
            raised = lowest + delta[i]
            min_gain = (raised if second is None or raised < second else second) - lowest
            value = (half[i] + 0.5 * min_gain) * candidates[i]  # as state.gain computes it
            options.append((value, i))
            if value > best_value:
                best_value = value
        while cursor < len(flat) and flat[cursor][1] in picked:
            cursor += 1
        for j in range(cursor, len(flat)):
            negated, i = flat[j]
            if i in picked or question_dimension[i] == lowest_at:
                continue
            if -negated < best_value - reach:
                break
            options.append((-negated, i))
            if -negated > best_value:
                best_value = -negated
        if not options:  # pragma: no cover - a candidate always remains here
            break
        if take(_best_of(options, best_value, codes)):
            flat = orders()
            cursor = 0
    return records(PlanPick, picks), state.exact_index(touched)


def _prepared(
    index: BankIndex, template: ActionTemplate, language: str
) -> tuple[str, str, str, str, str]:
    """Return the template's texts in language, title, specific and kpi ready for format_map.

    Kept on the bank's index per template and language (the cache holds the template, so its
    id stays its own): a bank's templates never change.
    """
    key = (id(template), language)
    cached = index.prepared.get(key)
    if cached is not None and cached[0] is template:
        return cached[1]
    texts = (
        _format_string(localize(template.title, language)),
        _format_string(localize(template.specific, language)),
        _format_string(localize(template.kpi, language)),
        localize(template.unit, language),
        localize(template.owner_role, language),
    )
    index.prepared[key] = (template, texts)
    return texts


# The most filled texts kept per bank (a few megabytes); past it the memo starts afresh.
_FILLED_TEXTS: Final = 10_000


def build_items(
    picks: Sequence[PlanPick],
    *,
    index: BankIndex,
    templates: Sequence[ActionTemplate],
    current: list[float | None],
    target: list[float],
    feasibility: dict[int, float],
    addresses: dict[int, tuple[str, ...]],
    area_titles: tuple[str, ...],
    organization: str,
    segment: str,
    capacity_days_per_month: float,
    plan_start: date,
    language: str,
) -> tuple[ActionItem, ...]:
    """Turn the picks into SMART action items, scheduled in plan order against the capacity.

    templates holds each pick's applicable template: the scale_back one when C_q > T_q.
    """
    if not picks:
        return ()
    starts = schedule_weeks(
        [(t.effort_days, t.duration_weeks) for t in templates],
        weekly_capacity(capacity_days_per_month),
    )
    # Dates by ordinal: cheaper than timedelta arithmetic, and the same dates.
    first_day = plan_start.toordinal()
    from_ordinal = date.fromordinal
    filled_texts = index.filled_texts
    rows = []
    for pick, template, start_week in zip(picks, templates, starts, strict=True):
        i = pick.question
        a = index.area_of[i]
        c = current[i]
        practice_from = 0.0 if c is None else c
        start = from_ordinal(first_day + 7 * start_week)
        duration = template.duration_weeks
        texts = _prepared(index, template, language)
        title, specific, kpi, unit, owner_role = texts
        # The filled texts, kept per template and values: an organization's plans repeat them.
        key = (texts, organization, segment, area_titles[a])
        filled = filled_texts.get(key)
        if filled is None:
            if len(filled_texts) >= _FILLED_TEXTS:
                filled_texts.clear()
            values = {"organization": organization, "segment": segment, "area": area_titles[a]}
            filled = filled_texts[key] = (
                title.format_map(values),
                specific.format_map(values),
                kpi.format_map(values),
            )
        filled_title, filled_specific, filled_kpi = filled
        rows.append(
            (  # the fields of ActionItem
                index.codes[i],
                "scale_back" if practice_from > target[i] else "raise",
                filled_title,
                filled_specific,
                filled_kpi,
                unit,
                template.kpi_direction,
                None,
                template.kpi_target,
                practice_from,
                target[i],
                template.effort,
                template.effort_days,
                feasibility[i],
                owner_role,
                index.dimension_codes[index.area_dimension[a]],
                index.area_codes[a],
                addresses.get(i, ()),
                pick.gain,
                start,
                from_ordinal(first_day + 7 * (start_week + duration)),
                start_week,
                duration,
                template.effort_days / duration,
            )
        )
    return tuple(records(ActionItem, rows))
