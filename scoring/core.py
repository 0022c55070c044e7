"""The arithmetic of DESIGN.md section 6 on flat per-question arrays (internal to scoring)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeAlias, cast

from scoring.bank import Bank
from scoring.constants import (
    BAND_ALIGNED,
    BAND_PARTIAL,
    BAND_RESONANT,
    CONSENSUS_MIN_RESPONDENTS,
    CONSENSUS_STDEV_FLAG,
    COVERAGE_DENOMINATOR,
    COVERAGE_NUMERATOR,
    DISCIPLINES,
    EPSILON,
    LEVELS,
    MISFIT_SPAN,
    OVERKILL_COST,
    PITFALLS,
    PROFILE_MIN_QUESTIONS,
    TARGET_SCALE,
)
from scoring.inputs import Answer, AssessmentInput, Response
from scoring.rules import condition_references
from scoring.text import Text, localize

__all__ = [
    "Aggregates",
    "BankIndex",
    "Scores",
    "aggregate",
    "alignment_by_discipline",
    "alignment_from_areas",
    "area_score_of",
    "band_for",
    "bank_index",
    "candidate_gains",
    "feasibility_of",
    "flagged_stdev",
    "misfit",
    "profile_match",
    "score",
    "targets_for",
    "uplifts",
    "weighted_mean",
]

_LEVEL_INDEX: Final = {level: k for k, level in enumerate(LEVELS)}


def feasibility_of(effort: int) -> float:
    """Return (6 - effort)/5: 1.0 for a trivial action, 0.2 for a major project."""
    return (6 - effort) / 5


def misfit(current: float, target: float) -> float:
    """Return m_q: a shortfall costs fully, overshooting the target costs half."""
    return (
        max(0.0, target - current) / MISFIT_SPAN
        + OVERKILL_COST * max(0.0, current - target) / MISFIT_SPAN
    )


def band_for(alignment_index: float | None) -> str:
    """Return the band of an alignment index (insufficient_data when it is None)."""
    if alignment_index is None:
        return "insufficient_data"
    # Rounded so that a value equal to a boundary but for float noise lands on the boundary.
    value = round(alignment_index, 9)
    if value < BAND_PARTIAL:
        return "misaligned"
    if value < BAND_ALIGNED:
        return "partially_aligned"
    if value < BAND_RESONANT:
        return "aligned"
    return "resonant"


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    """Return the weighted mean, exact when all values are equal and never outside them."""
    total = 0.0
    for weight in weights:
        total += weight
    return _weighted_mean(list(values), tuple(weights), total)


def _weighted_mean(values: list[float], weights: tuple[float, ...], total: float) -> float:
    """Return weighted_mean(values, weights) given total, Σ weights added in order from 0.0.

    The bank's weights are summed once; min() and max() parse their arguments at a cost that
    matters for the few values of a dimension, so the lowest and highest are found in a loop
    (this runs a few dozen times per assessment).
    """
    low = high = values[0]
    for value in values:
        if value < low:
            low = value
        elif value > high:
            high = value
    if low == high:
        return low
    # Offsetting by the minimum keeps equal scores exact (all areas at 100 give exactly 100).
    spread = 0.0
    for k in range(len(values)):  # weights is as long by construction
        spread += weights[k] * (values[k] - low)
    mean = low + spread / total
    return mean if mean < high else high


def area_score_of(num: float, den: float) -> float:
    """Return S_a from Σ w·(T/5)·m and Σ w·(T/5) over the answered questions, within 0..100."""
    if den <= 0.0:
        return 100.0  # only possible with zero targets: nothing is required, nothing is missed
    score = 100.0 * (1.0 - num / den)
    return 0.0 if score < 0.0 else 100.0 if score > 100.0 else score


# --- the bank, flattened once -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BankIndex:
    """A bank as parallel tuples indexed by question, area and dimension position."""

    codes: tuple[str, ...]
    position: Mapping[str, int]
    # Weights as the bank gives them (a whole 2 stays 2 in the results), and as floats for
    # arithmetic (int * float gives what float(int) * float gives, without the type dispatch).
    weight: tuple[int | float, ...]
    weight_float: tuple[float, ...]
    area_of: tuple[int, ...]
    question_dimension: tuple[int, ...]
    # Per question: the code of its area and of its dimension.
    question_area_codes: tuple[str, ...]
    question_dimension_codes: tuple[str, ...]
    targets: Mapping[str, tuple[float, ...]]
    # w_q · (T_q / 5) with the bank's target of each discipline.
    terms: Mapping[str, tuple[float, ...]]
    # For profile_match: w_q · T_q; (Σ w·T, Σ w·T²) over all questions; whether all T are equal.
    weighted_targets: Mapping[str, tuple[float, ...]]
    target_sums: Mapping[str, tuple[float, float]]
    flat_targets: Mapping[str, bool]
    effort: tuple[int, ...]
    feasibility: tuple[float, ...]
    # Of the scale_back template, None for a question without one.
    scale_back_feasibility: tuple[float | None, ...]
    area_codes: tuple[str, ...]
    area_titles: tuple[Text, ...]
    area_weight: tuple[int | float, ...]
    area_dimension: tuple[int, ...]
    area_questions: tuple[tuple[int, ...], ...]
    # The slice of each area's questions (they are contiguous, area by area).
    area_span: tuple[slice, ...]
    area_size: tuple[int, ...]
    # For alignment_by_discipline, in DISCIPLINES order: per question its terms; per area, per
    # question, the target, term/4 and term·0.5/4 of each discipline (_discipline_rows); per
    # area the sums of its terms, added in question order.
    discipline_terms: tuple[tuple[float, float, float], ...]
    discipline_rows: tuple[tuple[_DisciplineRow, ...], ...]
    discipline_dens: tuple[tuple[float, float, float], ...]
    area_dimension_codes: tuple[str, ...]
    # The fewest answered questions that are not "under 60 %" of the area.
    area_needed: tuple[int, ...]
    area_position: Mapping[str, int]
    dimension_codes: tuple[str, ...]
    dimension_titles: tuple[Text, ...]
    dimension_weight: tuple[int | float, ...]
    # The area and dimension weights as floats, for the gains' arithmetic: int * float gives
    # what float(int) * float gives, and compiled float arithmetic skips the type dispatch.
    area_weight_float: tuple[float, ...]
    dimension_weight_float: tuple[float, ...]
    dimension_areas: tuple[tuple[int, ...], ...]
    dimension_questions: tuple[tuple[int, ...], ...]
    # Per dimension: the slice of its areas (contiguous, dimension by dimension), their weights
    # and the sum of their weights, by sum() (as score() sums them) and added in order from 0.0
    # (as weighted_mean() does); the dimension weights added in order from 0.0.
    dimension_span: tuple[slice, ...]
    dimension_area_weights: tuple[tuple[float, ...], ...]
    dimension_area_weight_sum: tuple[float, ...]
    dimension_area_weight_total: tuple[float, ...]
    dimension_weight_total: float
    # Every dimension has areas (validation holds banks to it): then the areas of a dimension
    # are all scored exactly when its slice holds no None.
    no_empty_dimension: bool
    dimension_position: Mapping[str, int]
    # Per rule: the question and area codes its condition mentions.
    rule_mentions: tuple[tuple[frozenset[str], frozenset[str]], ...]
    # Per rule: the positions of its remedies; per pitfall code: those of its remedies.
    rule_remedies: tuple[tuple[int, ...], ...]
    pitfall_remedies: Mapping[str, tuple[int, ...]]
    # A response's answers in bank order, in one C-level pass (KeyError when a code is missing).
    in_bank_order: Callable[[Mapping[str, Answer]], tuple[Answer, ...]]
    # None and every value on the scale: what an answer's current may be.
    on_scale: frozenset[int | None]
    # None and every value on the scale, mapped to the mean of that one target (v / 1).
    target_as_mean: Mapping[int | None, float | None]
    # Action templates with their texts in one language, ready to fill (filled by plan.py).
    prepared: dict[tuple[int, str], tuple[object, tuple[str, str, str, str, str]]] = field(
        default_factory=dict
    )
    # build_items()'s memo: per prepared texts of a template, organization, segment and area
    # title, the title, specific and kpi filled.
    filled_texts: dict[tuple[object, str, str, str], tuple[str, str, str]] = field(
        default_factory=dict
    )
    # aggregate()'s memo: per pattern of respondent levels, per combination of a question's
    # answers, that question's aggregates.
    aggregate_memo: dict[tuple[int, ...], dict[tuple[int | None, ...], _QuestionAggregates]] = (
        field(default_factory=dict)
    )


def _target_sums(weight: Sequence[float], targets: Sequence[float]) -> tuple[float, float]:
    # Summed in the order profile_match sums a subset, so both give the same floats.
    sy = syy = 0.0
    for w, t in zip(weight, targets, strict=True):
        wt = w * t
        sy += wt
        syy += wt * t
    return sy, syy


def _summed(values: Sequence[float]) -> float:
    # In order from 0.0, as the engine's loops add them.
    total = 0.0
    for value in values:
        total += value
    return total


_DisciplineRow: TypeAlias = tuple[float, float, float, float, float, float, float, float, float]

# The misfit's span and the overkill cost are powers of two (a test holds them to it), so
# dividing by them is exact: a term's contribution w·(T/5) · (T-C)/4 is the product of
# w·(T/5)/4 and T-C to the last bit (and w·(T/5) · 0.5·(C-T)/4 that of w·(T/5)·0.5/4 and
# C-T), one rounding each way.


def _discipline_row(
    targets: Mapping[str, Sequence[float]], terms: Sequence[float], i: int
) -> _DisciplineRow:
    """Return T, w·(T/5)/4 and w·(T/5)·0.5/4 of question i for each discipline, flat."""
    t0, t1, t2 = (targets[d][i] for d in DISCIPLINES)
    w0, w1, w2 = terms
    return (
        t0,
        w0 / MISFIT_SPAN,
        w0 * OVERKILL_COST / MISFIT_SPAN,
        t1,
        w1 / MISFIT_SPAN,
        w1 * OVERKILL_COST / MISFIT_SPAN,
        t2,
        w2 / MISFIT_SPAN,
        w2 * OVERKILL_COST / MISFIT_SPAN,
    )


def _needed(total: int) -> int:
    needed = 0
    while needed * COVERAGE_DENOMINATOR < total * COVERAGE_NUMERATOR:
        needed += 1
    return max(1, needed)


def _in_order_getter(
    codes: tuple[str, ...],
) -> Callable[[Mapping[str, Answer]], tuple[Answer, ...]]:
    """Return a function giving the answers of codes, in that order, as a tuple."""
    if len(codes) == 1:  # itemgetter of one key returns the item itself, not a tuple
        only = codes[0]
        return lambda answers: (answers[only],)
    return operator.itemgetter(*codes)


def bank_index(bank: Bank) -> BankIndex:
    """Return the flattened bank, built once and kept on the (immutable) bank."""
    cached = bank._cache.get("engine_index")
    if isinstance(cached, BankIndex):
        return cached
    questions = [
        (question, a)
        for a, area in enumerate(area for d in bank.dimensions for area in d.areas)
        for question in area.questions
    ]
    areas = [(area, d) for d, dimension in enumerate(bank.dimensions) for area in dimension.areas]
    codes = tuple(q.code for q, _ in questions)
    position = {code: i for i, code in enumerate(codes)}
    weight = tuple(q.weight for q, _ in questions)
    targets = {
        discipline: tuple(float(q.targets[discipline]) for q, _ in questions)
        for discipline in DISCIPLINES
    }
    area_questions: list[tuple[int, ...]] = [() for _ in areas]
    for i, (_, a) in enumerate(questions):
        area_questions[a] = (*area_questions[a], i)  # contiguous: questions come area by area
    dimension_areas: list[tuple[int, ...]] = [() for _ in bank.dimensions]
    for a, (_, d) in enumerate(areas):
        dimension_areas[d] = (*dimension_areas[d], a)
    terms = {
        discipline: tuple(w * (t / TARGET_SCALE) for w, t in zip(weight, ts, strict=True))
        for discipline, ts in targets.items()
    }
    first, second, third = (terms[d] for d in DISCIPLINES)
    discipline_terms = tuple(zip(first, second, third, strict=True))
    index = BankIndex(
        codes=codes,
        position=position,
        weight=weight,
        weight_float=tuple(float(w) for w in weight),
        area_of=tuple(a for _, a in questions),
        question_dimension=tuple(areas[a][1] for _, a in questions),
        question_area_codes=tuple(areas[a][0].code for _, a in questions),
        question_dimension_codes=tuple(bank.dimensions[areas[a][1]].code for _, a in questions),
        targets=targets,
        terms=terms,
        weighted_targets={
            discipline: tuple(w * t for w, t in zip(weight, ts, strict=True))
            for discipline, ts in targets.items()
        },
        target_sums={discipline: _target_sums(weight, ts) for discipline, ts in targets.items()},
        flat_targets={discipline: len(set(ts)) <= 1 for discipline, ts in targets.items()},
        effort=tuple(q.action.effort for q, _ in questions),
        feasibility=tuple(feasibility_of(q.action.effort) for q, _ in questions),
        scale_back_feasibility=tuple(
            None if q.scale_back is None else feasibility_of(q.scale_back.effort)
            for q, _ in questions
        ),
        area_codes=tuple(area.code for area, _ in areas),
        area_titles=tuple(area.title for area, _ in areas),
        area_weight=tuple(area.weight for area, _ in areas),
        area_dimension=tuple(d for _, d in areas),
        area_questions=tuple(area_questions),
        area_span=tuple(slice(qs[0], qs[-1] + 1) if qs else slice(0, 0) for qs in area_questions),
        area_size=tuple(len(qs) for qs in area_questions),
        discipline_terms=discipline_terms,
        discipline_rows=tuple(
            tuple(_discipline_row(targets, discipline_terms[i], i) for i in qs)
            for qs in area_questions
        ),
        discipline_dens=tuple(
            (
                _summed([discipline_terms[i][0] for i in qs]),
                _summed([discipline_terms[i][1] for i in qs]),
                _summed([discipline_terms[i][2] for i in qs]),
            )
            for qs in area_questions
        ),
        area_dimension_codes=tuple(bank.dimensions[d].code for _, d in areas),
        area_needed=tuple(_needed(len(qs)) for qs in area_questions),
        area_position={area.code: a for a, (area, _) in enumerate(areas)},
        dimension_codes=tuple(d.code for d in bank.dimensions),
        dimension_titles=tuple(d.title for d in bank.dimensions),
        dimension_weight=tuple(d.weight for d in bank.dimensions),
        area_weight_float=tuple(float(area.weight) for area, _ in areas),
        dimension_weight_float=tuple(float(d.weight) for d in bank.dimensions),
        dimension_areas=tuple(dimension_areas),
        dimension_questions=tuple(
            tuple(i for a in areas_of for i in area_questions[a]) for areas_of in dimension_areas
        ),
        dimension_position={d.code: i for i, d in enumerate(bank.dimensions)},
        dimension_span=tuple(
            slice(areas_of[0], areas_of[-1] + 1) if areas_of else slice(0, 0)
            for areas_of in dimension_areas
        ),
        dimension_area_weights=tuple(
            tuple(areas[a][0].weight for a in areas_of) for areas_of in dimension_areas
        ),
        dimension_area_weight_sum=tuple(
            sum([areas[a][0].weight for a in areas_of]) for areas_of in dimension_areas
        ),
        dimension_area_weight_total=tuple(
            _summed([areas[a][0].weight for a in areas_of]) for areas_of in dimension_areas
        ),
        dimension_weight_total=_summed([d.weight for d in bank.dimensions]),
        no_empty_dimension=all(dimension_areas),
        rule_mentions=tuple(
            (refs.questions, refs.areas)
            for refs in (condition_references(rule.when) for rule in bank.rules)
        ),
        rule_remedies=tuple(tuple(position[code] for code in rule.remedies) for rule in bank.rules),
        pitfall_remedies={
            pitfall: tuple(position[code] for code in bank.pitfall_remedies.get(pitfall, ()))
            for pitfall in PITFALLS
        },
        in_bank_order=_in_order_getter(codes),
        on_scale=frozenset([None, *range(bank.scale_min, bank.scale_max + 1)]),
        target_as_mean={
            None: None,
            **{v: v / 1 for v in range(bank.scale_min, bank.scale_max + 1)},
        },
    )
    bank._cache["engine_index"] = index
    return index


# --- the answers, aggregated -------------------------------------------------------------------


@dataclass(slots=True)
class Aggregates:
    """Per question: level means, C_q, owner targets and the sums consensus needs."""

    owner_mean: list[float | None]
    manager_mean: list[float | None]
    staff_mean: list[float | None]
    current: list[float | None]  # C_q, the mean of the level means present
    owner_target: list[float | None]  # mean of the owner targets given
    count: list[int]  # non-null currents over all responses
    total: list[int]  # their sum
    squares: list[int]  # the sum of their squares
    flagged_stdev: list[float | None]  # their population stdev where it flags low consensus
    respondents: dict[str, int]


# One question's aggregates: owner, manager and staff means, C_q, count, sum, sum of squares,
# and the population stdev of its answers when it is flagged for low consensus (else None).
_QuestionAggregates: TypeAlias = tuple[
    float | None, float | None, float | None, float | None, int, int, int, float | None
]

# Compared as variances, so the square root is taken only for the flagged questions.
_FLAG_VARIANCE: Final = (CONSENSUS_STDEV_FLAG - EPSILON) ** 2


def flagged_stdev(count: int, total: int, squares: int) -> float | None:
    """Return the population stdev of a question's answers when it flags low consensus."""
    if count < CONSENSUS_MIN_RESPONDENTS:
        return None
    # Population variance from exact integer sums: (n*sum(x^2) - sum(x)^2) / n^2.
    variance = (count * squares - total * total) / (count * count)
    return math.sqrt(variance) if variance >= _FLAG_VARIANCE else None


# The memo of aggregate() holds at most this many answer combinations per pattern of levels,
# and this many patterns (a few megabytes); past either it starts afresh.
_MEMO_COMBINATIONS: Final = 20_000
_MEMO_PATTERNS: Final = 16

# Answer fields by position (an Answer is a NamedTuple): cheaper than by attribute name.
_current_of: Final = operator.itemgetter(0)


def _question_aggregates(
    values: Sequence[int | None], levels: Sequence[int]
) -> _QuestionAggregates:
    """Return the aggregates of one question from its answers and the level of each answer."""
    level_sum = [0, 0, 0]
    level_count = [0, 0, 0]
    square_sum = 0
    for value, k in zip(values, levels, strict=True):
        if value is not None:
            level_sum[k] += value
            level_count[k] += 1
            square_sum += value * value
    o, m, s = (
        level_sum[k] / level_count[k] if level_count[k] else None for k in range(len(LEVELS))
    )
    if o is None:
        if m is None:
            current = s
        elif s is None:
            current = m
        else:
            current = (m + s) / 2
    elif m is None:
        current = o if s is None else (o + s) / 2
    elif s is None:
        current = (o + m) / 2
    else:
        current = (o + m + s) / 3
    count = sum(level_count)
    total = sum(level_sum)
    return o, m, s, current, count, total, square_sum, flagged_stdev(count, total, square_sum)


def aggregate(bank: Bank, index: BankIndex, data: AssessmentInput) -> Aggregates:
    """Return the per-question aggregates of every response (order never matters).

    A question's aggregates depend only on its answers and on the level of each respondent,
    and answers take few values: a team's combination of answers recurs across questions and
    assessments. So the aggregates of each combination are computed once and kept (bounded)
    per pattern of levels; integer sums make them exactly what a fresh computation gives.
    """
    codes = index.codes
    n = len(codes)
    position = index.position
    on_scale = index.on_scale
    respondents = dict.fromkeys(LEVELS, 0)
    levels = []
    columns = []
    owner_targets: list[list[int | None]] = []
    in_bank_order = index.in_bank_order
    for response in data.responses:
        k = _LEVEL_INDEX.get(response.level)
        if k is None:
            raise ValueError(f"unknown respondent level {response.level!r}")
        respondents[response.level] += 1
        answers = response.answers
        # A response usually answers every question: then its answers are read in bank order
        # in one pass (the same count and every code found: no unknown code either).
        ordered: tuple[Answer, ...] | None = None
        if len(answers) == n:
            try:
                ordered = in_bank_order(answers)
            except KeyError:
                ordered = None  # an unknown code: reported below
        try:
            if ordered is not None:
                column = list(map(_current_of, ordered))
            else:
                column = _column(answers, position, n, _current_of)
        except (KeyError, TypeError):  # an unknown code, or an answer that is not an Answer
            raise _answer_error(bank, position, response) from None
        levels.append(k)
        columns.append(column)
        # Only the owner states what the strategy needs; other levels' targets are ignored.
        if k == 0:
            if ordered is not None:
                targets = list(map(_target_of, ordered))
            else:
                targets = _column(answers, position, n, _target_of)
            if targets.count(None) < n:
                owner_targets.append(targets)

    pattern = tuple(levels)
    memos = index.aggregate_memo
    memo = memos.get(pattern)
    if memo is None or len(memo) > _MEMO_COMBINATIONS:
        if len(memos) >= _MEMO_PATTERNS:
            memos.clear()
        memo = memos[pattern] = {}
    combinations = list(zip(*columns, strict=True)) if columns else [()] * n
    try:
        rows = list(map(memo.get, combinations))
    except TypeError:  # an unhashable answer: off the scale, reported below
        rows = [None] * n
    if not all(rows):  # a combination not met yet (rows are non-empty tuples)
        for i, row in enumerate(rows):
            if row is None:
                combination = combinations[i]
                # Only combinations of values on the scale enter the memo: a new one is checked.
                if not _on_scale(on_scale, combination):
                    raise _first_answer_error(bank, index, data.responses)
                row = memo.get(combination)
                if row is None:
                    row = memo[combination] = _question_aggregates(combination, levels)
                rows[i] = row
    owner: list[float | None] = []
    manager: list[float | None] = []
    staff: list[float | None] = []
    current: list[float | None] = []
    count: list[int] = []
    total: list[int] = []
    squares: list[int] = []
    stdev: list[float | None] = []
    # A compiled loop of appends: cheaper than transposing with zip(*rows).
    for o, m, st, c, answered, summed, squared, spread in cast("list[_QuestionAggregates]", rows):
        owner.append(o)
        manager.append(m)
        staff.append(st)
        current.append(c)
        count.append(answered)
        total.append(summed)
        squares.append(squared)
        stdev.append(spread)

    return Aggregates(
        owner_mean=owner,
        manager_mean=manager,
        staff_mean=staff,
        current=current,
        owner_target=_owner_target(index, owner_targets, n),
        count=count,
        total=total,
        squares=squares,
        flagged_stdev=stdev,
        respondents=respondents,
    )


_target_of: Final = operator.itemgetter(1)


def _owner_target(
    index: BankIndex, owner_targets: Sequence[Sequence[int | None]], n: int
) -> list[float | None]:
    """Return per question the mean of the targets the owners gave (None where none did)."""
    if not owner_targets:
        return [None] * n
    if len(owner_targets) == 1:
        try:  # one owner, targets on the scale (the usual case): t / 1 for each, in one pass
            return list(map(index.target_as_mean.__getitem__, owner_targets[0]))
        except (KeyError, TypeError):
            pass
    target_sum = [0] * n
    target_count = [0] * n
    for targets in owner_targets:
        for i, value in enumerate(targets):
            if value is not None:
                target_sum[i] += value
                target_count[i] += 1
    return [s / c if c else None for s, c in zip(target_sum, target_count, strict=True)]


def _column(
    answers: Mapping[str, Answer],
    position: Mapping[str, int],
    n: int,
    read: Callable[[Answer], int | None],
) -> list[int | None]:
    """Return read(answer) per question in bank order, None where the question is absent."""
    column: list[int | None] = [None] * n
    for code, answer in answers.items():
        column[position[code]] = read(answer)  # KeyError for an unknown code
    return column


def _on_scale(on_scale: frozenset[int | None], values: Iterable[object]) -> bool:
    """Return whether every value is None or on the scale (False for an unhashable one)."""
    try:
        return on_scale.issuperset(values)
    except TypeError:
        return False


def _first_answer_error(bank: Bank, index: BankIndex, responses: Iterable[Response]) -> ValueError:
    """Return the error of the first response holding an answer off the scale."""
    position = index.position
    for response in responses:
        column = _column(response.answers, position, len(position), _current_of)
        if not _on_scale(index.on_scale, column):
            return _answer_error(bank, position, response)
    raise AssertionError("no answer off the scale")  # pragma: no cover


def _answer_error(bank: Bank, position: Mapping[str, int], response: Response) -> ValueError:
    """Return the error of the first answer with an unknown code or a value off the scale."""
    scale = range(bank.scale_min, bank.scale_max + 1)
    for code, answer in response.answers.items():
        if code not in position:
            return ValueError(f"unknown question code {code!r}")
        value = answer.current
        if value is not None and value not in scale:
            return ValueError(
                f"{code}: {value!r} is outside the scale {bank.scale_min}..{bank.scale_max}"
            )
    raise AssertionError("no invalid answer")  # pragma: no cover


def targets_for(
    index: BankIndex, owner_target: Sequence[float | None], discipline: str
) -> tuple[list[float], list[float]]:
    """Return T_q and w_q·(T_q/5): the owner's target where given, else the bank's."""
    targets = list(index.targets[discipline])
    terms = list(index.terms[discipline])
    weight = index.weight_float
    for i, owner in enumerate(owner_target):
        if owner is not None:
            targets[i] = owner
            terms[i] = weight[i] * (owner / TARGET_SCALE)
    return targets, terms


# --- scores --------------------------------------------------------------------------------


@dataclass(slots=True)
class Scores:
    """Misfits, area, dimension and alignment scores for one set of currents and targets."""

    misfit: list[float | None]
    contribution: list[float]  # w·(T/5)·m per answered question
    area_num: list[float]
    area_den: list[float]
    area_answered: list[int]
    area_score: list[float | None]
    dimension_score: list[float | None]
    dimension_scored_weight: list[float]  # Σ weights of the scored areas of each dimension
    alignment_index: float | None
    weighted_mean: float | None
    weakest: int | None  # the first dimension with the lowest score


def score(
    index: BankIndex,
    current: list[float | None],
    target: list[float],
    terms: list[float],
) -> Scores:
    """Return every score of section 6 for aggregate currents C_q and targets T_q."""
    n = len(index.codes)
    misfits: list[float | None] = [None] * n
    contribution = [0.0] * n
    area_num: list[float] = []
    area_den: list[float] = []
    area_answered: list[int] = []
    area_score: list[float | None] = []
    unscored = 0
    for questions, needed in zip(index.area_questions, index.area_needed, strict=True):
        num = 0.0
        den = 0.0
        answered = 0
        for i in questions:
            c = current[i]
            if c is None:
                continue
            answered += 1
            t = target[i]
            # m_q = max(0, T-C)/4 + 0.5·max(0, C-T)/4, one of the two terms being zero.
            m = (t - c) / MISFIT_SPAN if c < t else OVERKILL_COST * (c - t) / MISFIT_SPAN
            term = terms[i]
            lost = term * m
            misfits[i] = m
            contribution[i] = lost
            num += lost
            den += term
        area_num.append(num)
        area_den.append(den)
        area_answered.append(answered)
        if answered >= needed:
            area_score.append(area_score_of(num, den))
        else:
            area_score.append(None)
            unscored += 1

    if not unscored and index.no_empty_dimension:
        dimension_score = _dimension_means(index, area_score, complete=True)
        scored_weight = list(index.dimension_area_weight_sum)
    else:
        dimension_score = _dimension_means(index, area_score, complete=False)
        area_weight = index.area_weight
        scored_weight = [
            sum([area_weight[a] for a in areas if area_score[a] is not None])
            for areas in index.dimension_areas
        ]

    values = []
    weights = []
    weakest = None
    lowest = 0.0
    for d, s in enumerate(dimension_score):
        if s is not None:
            if weakest is None or s < lowest:
                weakest, lowest = d, s
            values.append(s)
            weights.append(index.dimension_weight[d])
    if weakest is None:
        ai = mean = None
    else:
        if len(values) == len(dimension_score):
            mean = _weighted_mean(
                values, index.dimension_weight_float, index.dimension_weight_total
            )
        else:
            mean = weighted_mean(values, weights)
        ai = 0.5 * mean + 0.5 * lowest
    return Scores(
        misfit=misfits,
        contribution=contribution,
        area_num=area_num,
        area_den=area_den,
        area_answered=area_answered,
        area_score=area_score,
        dimension_score=dimension_score,
        dimension_scored_weight=scored_weight,
        alignment_index=ai,
        weighted_mean=mean,
        weakest=weakest,
    )


def alignment_by_discipline(
    index: BankIndex, current: list[float | None]
) -> dict[str, float | None]:
    """Return AI with the bank's targets of each discipline (strategy fit), in one pass."""
    area_scores: list[list[float | None]] = [[], [], []]
    complete = index.no_empty_dimension  # and, after the loop, every area scored
    for questions, rows, needed, dens in zip(
        index.area_span,
        index.discipline_rows,
        index.area_needed,
        index.discipline_dens,
        strict=True,
    ):
        n0 = n1 = n2 = 0.0
        answered = 0
        # Unrolled over the three disciplines: this runs for every question of every assessment.
        # Per discipline a row holds T, w·(T/5)/4 and w·(T/5)·0.5/4 (see _discipline_rows):
        # w·(T/5)·m_q in two operations.
        # (zip without strict=: the lengths are equal, and a keyword makes zip() slower)
        for c, (t, p, r, u, q, s, v, x, z) in zip(current[questions], rows):  # noqa: B905
            if c is None:
                continue
            answered += 1
            n0 += p * (t - c) if c < t else r * (c - t)
            n1 += q * (u - c) if c < u else s * (c - u)
            n2 += x * (v - c) if c < v else z * (c - v)
        if answered < needed:
            area_scores[0].append(None)
            area_scores[1].append(None)
            area_scores[2].append(None)
            complete = False
            continue
        if answered < len(rows):  # the sums of the terms of the answered questions only
            d0 = d1 = d2 = 0.0
            for i in range(questions.start, questions.stop):
                if current[i] is not None:
                    w0, w1, w2 = index.discipline_terms[i]
                    d0 += w0
                    d1 += w1
                    d2 += w2
        else:
            d0, d1, d2 = dens
        area_scores[0].append(area_score_of(n0, d0))
        area_scores[1].append(area_score_of(n1, d1))
        area_scores[2].append(area_score_of(n2, d2))
    return {
        d: alignment_from_areas(index, area_scores[k], complete=complete)
        for k, d in enumerate(DISCIPLINES)
    }


def alignment_from_areas(
    index: BankIndex, area_score: list[float | None], *, complete: bool
) -> float | None:
    """Return AI from the area scores (complete: none is None, no dimension is empty)."""
    dimension_score = _dimension_means(index, area_score, complete=complete)
    if complete:
        values = cast("list[float]", dimension_score)
        mean = _weighted_mean(values, index.dimension_weight_float, index.dimension_weight_total)
    else:
        values = []
        weights = []
        for s, weight in zip(dimension_score, index.dimension_weight, strict=True):
            if s is not None:
                values.append(s)
                weights.append(weight)
        if not values:
            return None
        mean = weighted_mean(values, weights)
    low = values[0]
    for value in values:
        if value < low:
            low = value
    return 0.5 * mean + 0.5 * low


def _dimension_means(
    index: BankIndex, area_score: list[float | None], *, complete: bool
) -> list[float | None]:
    """Return each dimension's weighted mean of its scored areas (None when none is).

    complete: every area is scored (none is None) and every dimension has areas, so a
    dimension's scores are its slice.
    """
    if complete:
        spans = index.dimension_span
        area_weights = index.dimension_area_weights
        totals = index.dimension_area_weight_total
        return [
            _weighted_mean(cast("list[float]", area_score[spans[d]]), area_weights[d], totals[d])
            for d in range(len(spans))
        ]
    area_weight = index.area_weight
    means: list[float | None] = []
    for areas in index.dimension_areas:
        values = []
        weights = []
        for a in areas:
            s = area_score[a]
            if s is not None:
                values.append(s)
                weights.append(area_weight[a])
        means.append(weighted_mean(values, weights) if values else None)
    return means


def uplifts(index: BankIndex, scores: Scores, candidates: Sequence[int]) -> list[float]:
    """Return AI(C_q := T_q) - AI for each candidate question, in O(1) each."""
    return candidate_gains(index, scores, list(candidates))[0]


def candidate_gains(
    index: BankIndex, scores: Scores, candidates: list[int]
) -> tuple[list[float], list[float]]:
    """Return AI(C_q := T_q) - AI per candidate, and the rise of q's dimension score.

    The rises are per question position (0.0 but for the candidates), as select_plan reads
    them.
    """
    # Setting C_q := T_q removes q's term from its area's misfit sum, which raises the area
    # score by 100·w(T/5)m / Σw(T/5) (unless the score was held at 0); that moves the
    # dimension's weighted mean by the area's share of the scored weight, and AI by half the
    # change of the weighted mean plus half the change of the minimum (which needs only the
    # lowest and second-lowest dimension scores).
    ai = scores.alignment_index
    rises = [0.0] * len(index.codes)
    if ai is None:
        return [0.0] * len(candidates), rises
    area_of = index.area_of
    area_dimension = index.area_dimension
    area_weight = index.area_weight_float
    dimension_weight = index.dimension_weight_float
    area_score = scores.area_score
    area_num = scores.area_num
    area_den = scores.area_den
    contribution = scores.contribution
    scored_weight = scores.dimension_scored_weight
    scored = [(s, d) for d, s in enumerate(scores.dimension_score) if s is not None]
    total_weight = 0.0  # added in order, as sum() adds them, but typed float
    for _, d in scored:
        total_weight += dimension_weight[d]
    ordered = sorted(scored)
    lowest, lowest_at = ordered[0]
    second = ordered[1][0] if len(ordered) > 1 else None
    gains = []
    for i in candidates:
        a = area_of[i]
        old = area_score[a]
        if old is None:
            # Coverage does not change, so the area stays out of its dimension.
            gains.append(0.0)
            continue
        d = area_dimension[a]
        den = area_den[a]
        if den <= 0.0:
            area_gain = 0.0
        elif area_num[a] <= den:
            area_gain = 100.0 * contribution[i] / den
        else:  # the area score is held at 0 (possible on scales wider than 1..5)
            area_gain = area_score_of(area_num[a] - contribution[i], den) - old
        dimension_gain = area_weight[a] * area_gain / scored_weight[d]
        rises[i] = dimension_gain
        half_mean_gain = 0.5 * (dimension_weight[d] * dimension_gain / total_weight)
        if d == lowest_at:
            raised = lowest + dimension_gain
            min_gain = (raised if second is None or raised < second else second) - lowest
            gain = half_mean_gain + 0.5 * min_gain
        else:
            gain = half_mean_gain
        gains.append(gain if gain > 0.0 else 0.0)
    return gains, rises


def profile_match(index: BankIndex, current: list[float | None]) -> dict[str, float | None]:
    """Return per discipline the weighted Pearson correlation of C_q with its bank targets.

    Over the answered questions, weighted by question weight: the shape of today's practice
    against the shape each strategy needs. None with fewer than PROFILE_MIN_QUESTIONS answered
    questions or when either side does not vary (a flat business matches no shape).
    """
    result: dict[str, float | None] = dict.fromkeys(DISCIPLINES)
    weight = index.weight_float
    w0, w1, w2 = (index.weighted_targets[d] for d in DISCIPLINES)
    answered = 0
    low = high = 0.0
    sw = sx = sxx = s0 = s1 = s2 = 0.0
    # One pass of weighted sums, the lowest and highest C_q and their count; this runs for
    # every assessment. The sums are of numbers within the scale and the weights, so the
    # centred forms below lose nothing that matters.
    for i, c in enumerate(current):
        if c is None:
            continue
        if not answered:
            low = high = c
        elif c < low:
            low = c
        elif c > high:
            high = c
        answered += 1
        w = weight[i]
        sw += w
        wc = w * c
        sx += wc
        sxx += wc * c
        s0 += c * w0[i]
        s1 += c * w1[i]
        s2 += c * w2[i]
    if answered < PROFILE_MIN_QUESTIONS or low == high:
        return result
    var_x = sxx - sx * sx / sw
    if var_x <= 0.0:
        return result
    everything = answered == len(current)
    for discipline, sxy in zip(DISCIPLINES, (s0, s1, s2), strict=True):
        targets = index.targets[discipline]
        if everything:
            sy, syy = index.target_sums[discipline]
            flat = index.flat_targets[discipline]
        else:
            ys = [t for t, c in zip(targets, current, strict=True) if c is not None]
            flat = min(ys) == max(ys)
            sy = syy = 0.0
            for i, c in enumerate(current):
                if c is not None:
                    wt = weight[i] * targets[i]
                    sy += wt
                    syy += wt * targets[i]
        if flat:
            continue
        var_y = syy - sy * sy / sw
        if var_y <= 0.0:
            continue
        r = (sxy - sx * sy / sw) / math.sqrt(var_x * var_y)
        result[discipline] = -1.0 if r < -1.0 else 1.0 if r > 1.0 else r
    return result


def localized_titles(
    bank: Bank, index: BankIndex, language: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the area and dimension titles in language, kept on the bank per language."""
    key = f"titles:{language}"
    cached = bank._cache.get(key)
    if isinstance(cached, tuple):
        return cached
    titles = (
        tuple(localize(t, language) for t in index.area_titles),
        tuple(localize(t, language) for t in index.dimension_titles),
    )
    bank._cache[key] = titles
    return titles
