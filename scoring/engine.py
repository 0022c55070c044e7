"""The scoring model of DESIGN.md section 6: from a bank and answers to a Result."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from scoring.bank import Bank
from scoring.constants import (
    BAND_ALIGNED,
    BAND_PARTIAL,
    BAND_RESONANT,
    COMMUNICATION_CONSENSUS_DENOMINATOR,
    COMMUNICATION_CONSENSUS_NUMERATOR,
    COMMUNICATION_MIN_GAP_AREAS,
    CONSENSUS_MIN_RESPONDENTS,
    CONSENSUS_STDEV_FLAG,
    COVERAGE_DENOMINATOR,
    COVERAGE_NUMERATOR,
    DISCIPLINES,
    EPSILON,
    LEVELS,
    MARKET_HISTORY_DAYS,
    MISFIT_SPAN,
    OVERKILL_COST,
    PERCEPTION_GAP_FLAG,
    PITFALL_AREA_FLOOR,
    SILOS_MIN_SPREAD,
    STRATEGY_FIELDS,
    TARGET_SCALE,
)
from scoring.inputs import AssessmentInput, Strategy
from scoring.plan import ActionItem, Candidate, Priority, build_action_plan, rank_priorities
from scoring.rules import condition_references, evaluate

__all__ = [
    "AreaScore",
    "ConsensusFlag",
    "ConsistencyFlag",
    "DimensionScore",
    "PerceptionGap",
    "Pitfall",
    "QuestionFit",
    "Result",
    "band_for",
    "index_for_currents",
    "misfit",
    "projected_index",
    "result_to_dict",
    "result_to_json",
    "score_assessment",
]

Evidence: TypeAlias = Mapping[str, str | int | float | None]
LevelMeans: TypeAlias = tuple[float | None, float | None, float | None]


# --- result dataclasses ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionFit:
    code: str
    current: float | None  # C_q: mean of level means; None when nobody answered
    target: float  # T_q: owner's target (mean if several owners) or the bank's
    misfit: float | None
    weight: float
    level_means: LevelMeans  # owner, manager, staff
    target_source: str  # "owner" | "bank"
    respondents: int  # how many non-null currents
    points_lost: float | None  # area-score points this question costs; None if area unscored

    @property
    def answered(self) -> bool:
        """Return whether at least one respondent gave a current value."""
        return self.current is not None


@dataclass(frozen=True, slots=True)
class AreaScore:
    code: str
    title: str
    dimension: str
    weight: float
    score: float | None
    coverage: float
    status: str  # "ok" | "insufficient_data"
    answered: int
    total: int
    level_means: LevelMeans
    contributions: tuple[QuestionFit, ...]


@dataclass(frozen=True, slots=True)
class DimensionScore:
    code: str
    title: str
    weight: float
    score: float | None
    areas: tuple[AreaScore, ...]


@dataclass(frozen=True, slots=True)
class PerceptionGap:
    area: str
    gap: float
    owner: float
    others: float
    flagged: bool
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConsensusFlag:
    question: str
    stdev: float
    respondents: int


@dataclass(frozen=True, slots=True)
class ConsistencyFlag:
    rule: str
    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class Pitfall:
    code: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Result:
    bank: str
    bank_version: int
    value_discipline: str
    alignment_index: float | None
    band: str
    weighted_mean: float | None  # the first half of AI
    weakest_dimension: str | None  # the dimension whose score is the second half
    respondents: Mapping[str, int]
    dimensions: tuple[DimensionScore, ...]
    perception_gaps: tuple[PerceptionGap, ...]
    consensus_flags: tuple[ConsensusFlag, ...]
    consistency_flags: tuple[ConsistencyFlag, ...]
    pitfalls: tuple[Pitfall, ...]
    priorities: tuple[Priority, ...]
    action_plan: tuple[ActionItem, ...]
    strategy_fit: Mapping[str, float | None]

    def dimension(self, code: str) -> DimensionScore:
        """Return the score of one dimension (KeyError when unknown)."""
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise KeyError(code)

    def area(self, code: str) -> AreaScore:
        """Return the score of one area (KeyError when unknown)."""
        for dimension in self.dimensions:
            for area in dimension.areas:
                if area.code == code:
                    return area
        raise KeyError(code)

    def question(self, code: str) -> QuestionFit:
        """Return the fit of one question (KeyError when unknown)."""
        for dimension in self.dimensions:
            for area in dimension.areas:
                for fit in area.contributions:
                    if fit.code == code:
                        return fit
        raise KeyError(code)


# --- formulas -------------------------------------------------------------------------------


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


def _weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    low, high = min(values), max(values)
    if low == high:
        return low
    # Offsetting by the minimum keeps equal scores exact (all areas at 100 give exactly 100)
    # and the result inside [min, max].
    total = sum(weights)
    spread = sum(w * (v - low) for v, w in zip(values, weights, strict=True))
    return min(high, low + spread / total)


def _index_of(dimension_scores: Sequence[float], dimension_weights: Sequence[float]) -> float:
    return 0.5 * _weighted_mean(dimension_scores, dimension_weights) + 0.5 * min(dimension_scores)


def _area_score(num: float, den: float) -> float:
    if den <= 0.0:
        return 100.0  # only possible with zero targets: nothing is required, nothing is missed
    return max(0.0, min(100.0, 100.0 * (1.0 - num / den)))


# --- bank index (built once per bank) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    codes: tuple[str, ...]
    position: Mapping[str, int]
    weight: tuple[float, ...]
    area_of: tuple[int, ...]
    targets: Mapping[str, tuple[int, ...]]
    effort: tuple[int, ...]
    area_codes: tuple[str, ...]
    area_titles: tuple[str, ...]
    area_weight: tuple[float, ...]
    area_dimension: tuple[int, ...]
    area_questions: tuple[tuple[int, ...], ...]
    area_position: Mapping[str, int]
    dimension_codes: tuple[str, ...]
    dimension_titles: tuple[str, ...]
    dimension_weight: tuple[float, ...]
    dimension_areas: tuple[tuple[int, ...], ...]
    dimension_position: Mapping[str, int]
    # Per rule: the question and area codes its condition mentions.
    rule_mentions: tuple[tuple[frozenset[str], frozenset[str]], ...]


def _bank_index(bank: Bank) -> _Index:
    cached = bank._cache.get("engine_index")
    if isinstance(cached, _Index):
        return cached
    codes: list[str] = []
    weight: list[float] = []
    area_of: list[int] = []
    effort: list[int] = []
    targets: dict[str, list[int]] = {d: [] for d in DISCIPLINES}
    area_codes: list[str] = []
    area_titles: list[str] = []
    area_weight: list[float] = []
    area_dimension: list[int] = []
    area_questions: list[tuple[int, ...]] = []
    dimension_areas: list[tuple[int, ...]] = []
    for d_index, dimension in enumerate(bank.dimensions):
        first_area = len(area_codes)
        for area in dimension.areas:
            a_index = len(area_codes)
            area_codes.append(area.code)
            area_titles.append(area.title)
            area_weight.append(area.weight)
            area_dimension.append(d_index)
            first_question = len(codes)
            for question in area.questions:
                codes.append(question.code)
                weight.append(question.weight)
                area_of.append(a_index)
                effort.append(question.action.effort)
                for discipline in DISCIPLINES:
                    targets[discipline].append(question.targets[discipline])
            area_questions.append(tuple(range(first_question, len(codes))))
        dimension_areas.append(tuple(range(first_area, len(area_codes))))
    mentions = []
    for rule in bank.rules:
        refs = condition_references(rule.when)
        mentions.append((refs.questions, refs.areas))
    index = _Index(
        codes=tuple(codes),
        position={code: i for i, code in enumerate(codes)},
        weight=tuple(weight),
        area_of=tuple(area_of),
        targets={d: tuple(t) for d, t in targets.items()},
        effort=tuple(effort),
        area_codes=tuple(area_codes),
        area_titles=tuple(area_titles),
        area_weight=tuple(area_weight),
        area_dimension=tuple(area_dimension),
        area_questions=tuple(area_questions),
        area_position={code: i for i, code in enumerate(area_codes)},
        dimension_codes=tuple(d.code for d in bank.dimensions),
        dimension_titles=tuple(d.title for d in bank.dimensions),
        dimension_weight=tuple(d.weight for d in bank.dimensions),
        dimension_areas=tuple(dimension_areas),
        dimension_position={d.code: i for i, d in enumerate(bank.dimensions)},
        rule_mentions=tuple(mentions),
    )
    bank._cache["engine_index"] = index
    return index


# --- aggregation of the answers -------------------------------------------------------------


@dataclass(slots=True)
class _Answers:
    level_means: list[list[float | None]]  # [level][question]
    current: list[float | None]  # C_q
    owner_target: list[float | None]  # mean of the owner targets given
    count: list[int]  # non-null currents over all responses
    total: Sequence[float]  # their sum
    squares: Sequence[float]  # the sum of their squares
    respondents: dict[str, int]


def _aggregate(bank: Bank, index: _Index, data: AssessmentInput) -> _Answers:
    n = len(index.codes)
    position = index.position
    low, high = bank.scale_min, bank.scale_max
    sums = [[0] * n for _ in LEVELS]
    counts = [[0] * n for _ in LEVELS]
    squares = [0] * n
    target_sum = [0] * n
    target_count = [0] * n
    respondents = dict.fromkeys(LEVELS, 0)
    for response in data.responses:
        level = response.level
        if level not in respondents:
            raise ValueError(f"unknown respondent level {level!r}")
        respondents[level] += 1
        level_index = LEVELS.index(level)
        level_sum, level_count = sums[level_index], counts[level_index]
        is_owner = level_index == 0
        for code, answer in response.answers.items():
            i = position.get(code)
            if i is None:
                raise ValueError(f"unknown question code {code!r}")
            value = answer.current
            if value is not None:
                if not low <= value <= high:
                    raise ValueError(f"{code}: {value} is outside the scale {low}..{high}")
                level_sum[i] += value
                level_count[i] += 1
                squares[i] += value * value
            # Only the owner states what the strategy needs; other levels' targets are ignored.
            if is_owner and answer.target is not None:
                target_sum[i] += answer.target
                target_count[i] += 1
    level_means: list[list[float | None]] = [
        [s / c if c else None for s, c in zip(sums[k], counts[k], strict=True)]
        for k in range(len(LEVELS))
    ]
    owner_means, manager_means, staff_means = level_means
    current: list[float | None] = []
    for i in range(n):
        present = [m for m in (owner_means[i], manager_means[i], staff_means[i]) if m is not None]
        current.append(sum(present) / len(present) if present else None)
    count = [counts[0][i] + counts[1][i] + counts[2][i] for i in range(n)]
    total = [sums[0][i] + sums[1][i] + sums[2][i] for i in range(n)]
    return _Answers(
        level_means=level_means,
        current=current,
        owner_target=[s / c if c else None for s, c in zip(target_sum, target_count, strict=True)],
        count=count,
        total=total,
        squares=squares,
        respondents=respondents,
    )


# --- scores ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Scores:
    misfit: list[float | None]
    contribution: list[float]  # w·(T/5)·m per answered question
    area_num: list[float]
    area_den: list[float]
    area_answered: list[int]
    area_score: list[float | None]
    dimension_score: list[float | None]
    alignment_index: float | None
    weighted_mean: float | None
    weakest: int | None


def _score(index: _Index, current: Sequence[float | None], target: Sequence[float]) -> _Scores:
    n = len(index.codes)
    misfits: list[float | None] = [None] * n
    contribution = [0.0] * n
    weight = index.weight
    area_num: list[float] = []
    area_den: list[float] = []
    area_answered: list[int] = []
    area_score: list[float | None] = []
    for questions in index.area_questions:
        num = den = 0.0
        answered = 0
        for i in questions:
            c = current[i]
            if c is None:
                continue
            answered += 1
            t = target[i]
            m = max(0.0, t - c) / MISFIT_SPAN + OVERKILL_COST * max(0.0, c - t) / MISFIT_SPAN
            term = weight[i] * (t / TARGET_SCALE)
            misfits[i] = m
            contribution[i] = term * m
            num += term * m
            den += term
        area_num.append(num)
        area_den.append(den)
        area_answered.append(answered)
        # "Under 60 % answered" in integers, so 3 of 5 is exactly enough.
        enough = answered * COVERAGE_DENOMINATOR >= len(questions) * COVERAGE_NUMERATOR
        area_score.append(_area_score(num, den) if enough and answered else None)
    dimension_score = [
        _dimension_score(index, areas, area_score) for areas in index.dimension_areas
    ]
    ai, mean, weakest = _alignment(index, dimension_score)
    return _Scores(
        misfit=misfits,
        contribution=contribution,
        area_num=area_num,
        area_den=area_den,
        area_answered=area_answered,
        area_score=area_score,
        dimension_score=dimension_score,
        alignment_index=ai,
        weighted_mean=mean,
        weakest=weakest,
    )


def _dimension_score(
    index: _Index, areas: Sequence[int], area_score: Sequence[float | None]
) -> float | None:
    values: list[float] = []
    weights: list[float] = []
    for a in areas:
        score = area_score[a]
        if score is not None:
            values.append(score)
            weights.append(index.area_weight[a])
    return _weighted_mean(values, weights) if values else None


def _alignment(
    index: _Index, dimension_score: Sequence[float | None]
) -> tuple[float | None, float | None, int | None]:
    values: list[float] = []
    weights: list[float] = []
    weakest: int | None = None
    for d, score in enumerate(dimension_score):
        if score is not None:
            if not values or score < min(values):
                weakest = d
            values.append(score)
            weights.append(index.dimension_weight[d])
    if not values:
        return None, None, None
    mean = _weighted_mean(values, weights)
    return 0.5 * mean + 0.5 * min(values), mean, weakest


def _targets(index: _Index, answers: _Answers, discipline: str) -> list[float]:
    bank_targets = index.targets[discipline]
    return [
        float(bank_targets[i]) if owner is None else owner
        for i, owner in enumerate(answers.owner_target)
    ]


def _uplifts(index: _Index, scores: _Scores, candidates: Sequence[int]) -> list[float]:
    """Return AI(C_q := T_q) - AI for each candidate, recomputing only what q touches."""
    ai = scores.alignment_index
    if ai is None:
        return [0.0] * len(candidates)
    uplifts = []
    area_score = scores.area_score
    dimension_score = scores.dimension_score
    for i in candidates:
        a = index.area_of[i]
        if area_score[a] is None:
            # Coverage does not change, so the area stays out of its dimension.
            uplifts.append(0.0)
            continue
        num = max(0.0, scores.area_num[a] - scores.contribution[i])
        new_area = _area_score(num, scores.area_den[a])
        d = index.area_dimension[a]
        values: list[float] = []
        weights: list[float] = []
        for other in index.dimension_areas[d]:
            score = new_area if other == a else area_score[other]
            if score is not None:
                values.append(score)
                weights.append(index.area_weight[other])
        new_dimension = _weighted_mean(values, weights)
        dim_values: list[float] = []
        dim_weights: list[float] = []
        for other, score in enumerate(dimension_score):
            value = new_dimension if other == d else score
            if value is not None:
                dim_values.append(value)
                dim_weights.append(index.dimension_weight[other])
        uplifts.append(max(0.0, _index_of(dim_values, dim_weights) - ai))
    return uplifts


# --- everything else the result reports ------------------------------------------------------


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _level_means_of(answers: _Answers, questions: Iterable[int]) -> LevelMeans:
    selected = list(questions)
    result: list[float | None] = []
    for means in answers.level_means:
        present = [m for m in (means[i] for i in selected) if m is not None]
        result.append(_mean(present) if present else None)
    return (result[0], result[1], result[2])


def _perception_gaps(index: _Index, answers: _Answers) -> list[PerceptionGap]:
    owner_means, manager_means, staff_means = answers.level_means
    gaps = []
    for a, questions in enumerate(index.area_questions):
        owner: list[float] = []
        others: list[float] = []
        codes: list[str] = []
        for i in questions:
            own = owner_means[i]
            if own is None:
                continue
            rest = [m for m in (manager_means[i], staff_means[i]) if m is not None]
            if not rest:
                continue
            owner.append(own)
            others.append(_mean(rest))
            codes.append(index.codes[i])
        if codes:
            owner_mean, others_mean = _mean(owner), _mean(others)
            gap = owner_mean - others_mean
            gaps.append(
                PerceptionGap(
                    area=index.area_codes[a],
                    gap=gap,
                    owner=owner_mean,
                    others=others_mean,
                    flagged=abs(gap) >= PERCEPTION_GAP_FLAG - EPSILON,
                    questions=tuple(codes),
                )
            )
    return gaps


def _stdev(count: int, total: float, squares: float) -> float:
    # Population variance from exact integer sums: (n*sum(x^2) - sum(x)^2) / n^2.
    variance = (count * squares - total * total) / (count * count)
    return math.sqrt(max(0.0, variance))


def _consensus_flags(index: _Index, answers: _Answers) -> list[ConsensusFlag]:
    flags = []
    for i, count in enumerate(answers.count):
        if count < CONSENSUS_MIN_RESPONDENTS:
            continue
        stdev = _stdev(count, answers.total[i], answers.squares[i])
        if stdev >= CONSENSUS_STDEV_FLAG - EPSILON:
            flags.append(ConsensusFlag(index.codes[i], stdev, count))
    return flags


class _RuleContext:
    __slots__ = ("_current", "_index", "_scores", "_strategy")

    def __init__(
        self, index: _Index, strategy: Strategy, current: Sequence[float | None], scores: _Scores
    ) -> None:
        self._index = index
        self._strategy = strategy
        self._current = current
        self._scores = scores

    def strategy_value(self, field: str) -> str | None:
        if field not in STRATEGY_FIELDS:
            return None
        value: str | None = getattr(self._strategy, field)
        return value

    def current(self, question: str) -> float | None:
        i = self._index.position.get(question)
        return None if i is None else self._current[i]

    def area_score(self, area: str) -> float | None:
        a = self._index.area_position.get(area)
        return None if a is None else self._scores.area_score[a]

    def dimension_score(self, dimension: str) -> float | None:
        d = self._index.dimension_position.get(dimension)
        return None if d is None else self._scores.dimension_score[d]


def _consistency_flags(
    bank: Bank, context: _RuleContext
) -> tuple[list[ConsistencyFlag], list[int]]:
    flags = []
    triggered = []
    for r, rule in enumerate(bank.rules):
        if evaluate(rule.when, context):
            flags.append(ConsistencyFlag(rule.code, rule.severity, rule.message))
            triggered.append(r)
    return flags, triggered


def _pitfalls(
    bank: Bank,
    index: _Index,
    data: AssessmentInput,
    scores: _Scores,
    gaps: Sequence[PerceptionGap],
    consensus: Sequence[ConsensusFlag],
    answered_questions: int,
) -> list[Pitfall]:
    pitfalls = []

    evidence: list[Evidence] = [
        {"kind": "perception_gap", "area": g.area, "gap": g.gap} for g in gaps if g.flagged
    ]
    gap_triggered = len(evidence) >= COMMUNICATION_MIN_GAP_AREAS
    consensus_triggered = bool(consensus) and (
        len(consensus) * COMMUNICATION_CONSENSUS_DENOMINATOR
        >= answered_questions * COMMUNICATION_CONSENSUS_NUMERATOR
    )
    if gap_triggered or consensus_triggered:
        if not gap_triggered:
            evidence = []
        if consensus_triggered:
            evidence.extend(
                {"kind": "low_consensus", "question": f.question, "stdev": f.stdev}
                for f in consensus
            )
            evidence.append(
                {
                    "kind": "low_consensus_share",
                    "flagged_questions": len(consensus),
                    "answered_questions": answered_questions,
                }
            )
        pitfalls.append(Pitfall("communication", tuple(evidence)))

    scored = [(score, d) for d, score in enumerate(scores.dimension_score) if score is not None]
    if len(scored) >= 2:
        high_score, high = max(scored, key=lambda s: (s[0], -s[1]))
        low_score, low = min(scored, key=lambda s: (s[0], s[1]))
        if high_score - low_score >= SILOS_MIN_SPREAD - EPSILON:
            pitfalls.append(
                Pitfall(
                    "silos",
                    (
                        {
                            "kind": "highest_dimension",
                            "dimension": index.dimension_codes[high],
                            "score": high_score,
                        },
                        {
                            "kind": "lowest_dimension",
                            "dimension": index.dimension_codes[low],
                            "score": low_score,
                        },
                        {"kind": "spread", "spread": high_score - low_score},
                    ),
                )
            )

    market: list[Evidence] = []
    market_area = _pitfall_area_score(bank, index, scores, "market_trends")
    if market_area is not None:
        market.append({"kind": "area_below_floor", "area": market_area[0], "score": market_area[1]})
    if data.history:
        assessed_on = data.effective_assessed_on
        recent = [d for d in data.history if 0 <= (assessed_on - d).days <= MARKET_HISTORY_DAYS]
        if not recent:
            earlier = [d for d in data.history if d <= assessed_on]
            last = max(earlier) if earlier else None
            market.append(
                {
                    "kind": "no_recent_assessment",
                    "assessed_on": assessed_on.isoformat(),
                    "last_assessed": None if last is None else last.isoformat(),
                    "days_since": None if last is None else (assessed_on - last).days,
                }
            )
    if market:
        pitfalls.append(Pitfall("market_changes", tuple(market)))

    culture_area = _pitfall_area_score(bank, index, scores, "culture")
    if culture_area is not None and data.strategy.value_discipline == "product_leadership":
        pitfalls.append(
            Pitfall(
                "culture",
                (
                    {"kind": "area_below_floor", "area": culture_area[0], "score": culture_area[1]},
                    {"kind": "value_discipline", "value_discipline": "product_leadership"},
                ),
            )
        )
    return pitfalls


def _pitfall_area_score(
    bank: Bank, index: _Index, scores: _Scores, key: str
) -> tuple[str, float] | None:
    """Return (area, score) when the bank's pitfall area is scored below the floor."""
    code = bank.pitfall_areas.get(key)
    if code is None or code not in index.area_position:
        return None
    score = scores.area_score[index.area_position[code]]
    if score is None or score >= PITFALL_AREA_FLOOR - EPSILON:
        return None
    return code, score


# --- the public entry points ----------------------------------------------------------------


def score_assessment(bank: Bank, data: AssessmentInput, *, top_k: int = 8) -> Result:
    """Score an assessment: every score, flag, pitfall, priority and the action plan."""
    index = _bank_index(bank)
    answers = _aggregate(bank, index, data)
    discipline = data.strategy.value_discipline
    if discipline not in DISCIPLINES:
        raise ValueError(f"unknown value discipline {discipline!r}")
    current = answers.current
    target = _targets(index, answers, discipline)
    scores = _score(index, current, target)

    dimensions = _dimension_results(index, answers, current, target, scores)
    gaps = _perception_gaps(index, answers)
    consensus = _consensus_flags(index, answers)
    context = _RuleContext(index, data.strategy, current, scores)
    consistency, triggered_rules = _consistency_flags(bank, context)
    answered_questions = sum(1 for c in current if c is not None)
    pitfalls = _pitfalls(bank, index, data, scores, gaps, consensus, answered_questions)

    candidates = [i for i, m in enumerate(scores.misfit) if m is not None and m > 0.0]
    uplifts = _uplifts(index, scores, candidates)
    priorities = rank_priorities(
        Candidate(
            question=index.codes[i],
            area=index.area_codes[index.area_of[i]],
            dimension=index.dimension_codes[index.area_dimension[index.area_of[i]]],
            uplift=uplift,
            effort=index.effort[i],
        )
        for i, uplift in zip(candidates, uplifts, strict=True)
    )
    chosen = priorities[: max(0, top_k)]
    plan = build_action_plan(
        bank,
        chosen,
        currents={p.question: _known(current[index.position[p.question]]) for p in chosen},
        targets={p.question: target[index.position[p.question]] for p in chosen},
        organization=data.organization,
        strategy=data.strategy,
        plan_start=data.plan_start,
        answers=_answered_by(index, chosen, triggered_rules, bank, pitfalls),
        top_k=top_k,
    )

    fit: dict[str, float | None] = {}
    for other in DISCIPLINES:
        bank_targets = [float(t) for t in index.targets[other]]
        fit[other] = _score(index, current, bank_targets).alignment_index

    ai = scores.alignment_index
    return Result(
        bank=bank.slug,
        bank_version=bank.version,
        value_discipline=discipline,
        alignment_index=ai,
        band=band_for(ai),
        weighted_mean=scores.weighted_mean,
        weakest_dimension=None if scores.weakest is None else index.dimension_codes[scores.weakest],
        respondents=answers.respondents,
        dimensions=dimensions,
        perception_gaps=tuple(gaps),
        consensus_flags=tuple(consensus),
        consistency_flags=tuple(consistency),
        pitfalls=tuple(pitfalls),
        priorities=priorities,
        action_plan=plan,
        strategy_fit=fit,
    )


def _known(value: float | None) -> float:
    if value is None:  # pragma: no cover - priorities only exist for answered questions
        raise ValueError("a priority for an unanswered question")
    return value


def _answered_by(
    index: _Index,
    chosen: Sequence[Priority],
    triggered_rules: Sequence[int],
    bank: Bank,
    pitfalls: Sequence[Pitfall],
) -> dict[str, tuple[str, ...]]:
    """Return, per question, the triggered rules and pitfalls its action answers."""
    pitfall_areas = [
        (p.code, {e.get("area") for e in p.evidence if e.get("area") is not None}) for p in pitfalls
    ]
    result = {}
    for priority in chosen:
        codes = [
            bank.rules[r].code
            for r in triggered_rules
            if priority.question in index.rule_mentions[r][0]
            or priority.area in index.rule_mentions[r][1]
        ]
        codes.extend(code for code, areas in pitfall_areas if priority.area in areas)
        result[priority.question] = tuple(codes)
    return result


def _dimension_results(
    index: _Index,
    answers: _Answers,
    current: Sequence[float | None],
    target: Sequence[float],
    scores: _Scores,
) -> tuple[DimensionScore, ...]:
    owner_target = answers.owner_target
    level_means = answers.level_means
    areas: list[AreaScore] = []
    for a, questions in enumerate(index.area_questions):
        score = scores.area_score[a]
        den = scores.area_den[a]
        fits = tuple(
            QuestionFit(
                code=index.codes[i],
                current=current[i],
                target=target[i],
                misfit=scores.misfit[i],
                weight=index.weight[i],
                level_means=(level_means[0][i], level_means[1][i], level_means[2][i]),
                target_source="bank" if owner_target[i] is None else "owner",
                respondents=answers.count[i],
                points_lost=(
                    100.0 * scores.contribution[i] / den
                    if score is not None and current[i] is not None and den > 0
                    else None
                ),
            )
            for i in questions
        )
        answered = scores.area_answered[a]
        areas.append(
            AreaScore(
                code=index.area_codes[a],
                title=index.area_titles[a],
                dimension=index.dimension_codes[index.area_dimension[a]],
                weight=index.area_weight[a],
                score=score,
                coverage=answered / len(questions) if questions else 0.0,
                status="insufficient_data" if score is None else "ok",
                answered=answered,
                total=len(questions),
                level_means=_level_means_of(answers, questions),
                contributions=fits,
            )
        )
    return tuple(
        DimensionScore(
            code=index.dimension_codes[d],
            title=index.dimension_titles[d],
            weight=index.dimension_weight[d],
            score=scores.dimension_score[d],
            areas=tuple(areas[a] for a in area_indexes),
        )
        for d, area_indexes in enumerate(index.dimension_areas)
    )


def projected_index(bank: Bank, data: AssessmentInput, reached: Iterable[str]) -> float | None:
    """Return the alignment index once the given questions reach their targets (C_q := T_q)."""
    index = _bank_index(bank)
    answers = _aggregate(bank, index, data)
    target = _targets(index, answers, data.strategy.value_discipline)
    current = list(answers.current)
    for code in reached:
        i = index.position.get(code)
        if i is None:
            raise ValueError(f"unknown question code {code!r}")
        current[i] = target[i]
    return _score(index, current, target).alignment_index


def index_for_currents(
    bank: Bank,
    currents: Mapping[str, float],
    *,
    value_discipline: str,
    targets: Mapping[str, float] | None = None,
) -> float | None:
    """Return the alignment index for given aggregate currents C_q (and optional T_q overrides)."""
    index = _bank_index(bank)
    current: list[float | None] = [None] * len(index.codes)
    target = [float(t) for t in index.targets[value_discipline]]
    for code, value in currents.items():
        current[index.position[code]] = value
    for code, value in (targets or {}).items():
        target[index.position[code]] = value
    return _score(index, current, target).alignment_index


# --- output ---------------------------------------------------------------------------------


def _levels(means: LevelMeans) -> dict[str, float | None]:
    return {"owner": means[0], "manager": means[1], "staff": means[2]}


def _question_dict(fit: QuestionFit) -> dict[str, Any]:
    return {
        "question": fit.code,
        "current": fit.current,
        "target": fit.target,
        "misfit": fit.misfit,
        "weight": fit.weight,
        "level_means": _levels(fit.level_means),
        "target_source": fit.target_source,
        "respondents": fit.respondents,
        "points_lost": fit.points_lost,
    }


def _area_dict(area: AreaScore) -> dict[str, Any]:
    return {
        "score": area.score,
        "coverage": area.coverage,
        "status": area.status,
        "title": area.title,
        "weight": area.weight,
        "answered": area.answered,
        "questions": area.total,
        "level_means": _levels(area.level_means),
        "contributions": [_question_dict(f) for f in area.contributions],
    }


def _dimension_dict(dimension: DimensionScore) -> dict[str, Any]:
    return {
        "score": dimension.score,
        "title": dimension.title,
        "weight": dimension.weight,
        "contributions": [
            {"area": a.code, "score": a.score, "weight": a.weight}
            for a in dimension.areas
            if a.score is not None
        ],
        "areas": {a.code: _area_dict(a) for a in dimension.areas},
    }


def _action_dict(item: ActionItem) -> dict[str, Any]:
    return {
        "question": item.question,
        "title": item.title,
        "specific": item.specific,
        "kpi": item.kpi,
        "unit": item.unit,
        "baseline": item.baseline,
        "target": item.target,
        "effort": item.effort,
        "effort_days": item.effort_days,
        "feasibility": item.feasibility,
        "owner_role": item.owner_role,
        "dimension": item.dimension,
        "area": item.area,
        "expected_uplift": item.expected_uplift,
        "answers": list(item.answers),
        "start": item.start.isoformat(),
        "due": item.due.isoformat(),
        "start_week": item.start_week,
        "duration_weeks": item.duration_weeks,
        "weekly_load": item.weekly_load,
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    """Return the result in the JSON shape of DESIGN.md section 6 (keys in a fixed order)."""
    return {
        "bank": {"slug": result.bank, "version": result.bank_version},
        "value_discipline": result.value_discipline,
        "alignment_index": result.alignment_index,
        "band": result.band,
        "alignment_index_contributions": {
            "weighted_mean": result.weighted_mean,
            "weakest_dimension": result.weakest_dimension,
            "weakest_score": (
                None
                if result.weakest_dimension is None
                else result.dimension(result.weakest_dimension).score
            ),
            "dimensions": [
                {"dimension": d.code, "score": d.score, "weight": d.weight}
                for d in result.dimensions
                if d.score is not None
            ],
        },
        "respondents": {level: result.respondents.get(level, 0) for level in LEVELS},
        "dimensions": {d.code: _dimension_dict(d) for d in result.dimensions},
        "perception_gaps": [
            {
                "area": g.area,
                "gap": g.gap,
                "owner": g.owner,
                "others": g.others,
                "flagged": g.flagged,
                "questions": list(g.questions),
            }
            for g in result.perception_gaps
        ],
        "consensus_flags": [
            {"question": f.question, "stdev": f.stdev, "respondents": f.respondents}
            for f in result.consensus_flags
        ],
        "consistency_flags": [
            {"rule": f.rule, "severity": f.severity, "message": f.message}
            for f in result.consistency_flags
        ],
        "pitfalls": [
            {"code": p.code, "evidence": [dict(e) for e in p.evidence]} for p in result.pitfalls
        ],
        "priorities": [
            {
                "question": p.question,
                "area": p.area,
                "dimension": p.dimension,
                "uplift": p.uplift,
                "feasibility": p.feasibility,
                "priority": p.priority,
                "quadrant": p.quadrant,
            }
            for p in result.priorities
        ],
        "action_plan": [_action_dict(item) for item in result.action_plan],
        "strategy_fit": {d: result.strategy_fit.get(d) for d in DISCIPLINES},
    }


def result_to_json(result: Result) -> str:
    """Return the result as deterministic JSON: the same input gives byte-identical text."""
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False, allow_nan=False)
