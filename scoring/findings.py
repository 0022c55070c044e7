"""What the scores show beyond themselves: perception gaps, consensus, rules, pitfalls.

(Named findings, not signals: nothing here is a Django signal.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

from scoring.bank import Bank
from scoring.constants import (
    COMMUNICATION_CONSENSUS_DENOMINATOR,
    COMMUNICATION_CONSENSUS_NUMERATOR,
    COMMUNICATION_MIN_GAP_AREAS,
    EPSILON,
    MARKET_HISTORY_DAYS,
    PERCEPTION_GAP_FLAG,
    PITFALL_AREA_FLOOR,
    SILOS_MIN_SPREAD,
    STRATEGY_FIELDS,
)
from scoring.core import Aggregates, BankIndex, Scores
from scoring.inputs import AssessmentInput, Strategy
from scoring.records import records
from scoring.results import ConsensusFlag, ConsistencyFlag, Evidence, PerceptionGap, Pitfall
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
)
from scoring.text import localize

__all__ = [
    "RuleContext",
    "compile_condition",
    "consensus_flags",
    "consistency_flags",
    "perception_gaps",
    "pitfalls",
]


def perception_gaps(index: BankIndex, answers: Aggregates) -> list[PerceptionGap]:
    """Return the owner-versus-others gap of every area where both sides answered."""
    owner_means = answers.owner_mean
    manager_means = answers.manager_mean
    staff_means = answers.staff_mean
    question_codes = index.codes
    flag = PERCEPTION_GAP_FLAG - EPSILON
    gaps = []
    for a, questions in enumerate(index.area_questions):
        owner_sum = 0.0
        others_sum = 0.0
        codes: list[str] = []
        for i in questions:
            own = owner_means[i]
            if own is None:
                continue
            manager = manager_means[i]
            staff = staff_means[i]
            if manager is None:
                if staff is None:
                    continue
                others_sum += staff
            else:
                others_sum += manager if staff is None else (manager + staff) / 2
            owner_sum += own
            codes.append(question_codes[i])
        if codes:
            count = len(codes)
            owner_mean = owner_sum / count
            others_mean = others_sum / count
            gap = owner_mean - others_mean
            gaps.append(
                (  # the fields of PerceptionGap
                    index.area_codes[a],
                    gap,
                    owner_mean,
                    others_mean,
                    abs(gap) >= flag,
                    tuple(codes),
                )
            )
    return records(PerceptionGap, gaps)


def consensus_flags(index: BankIndex, answers: Aggregates) -> list[ConsensusFlag]:
    """Return the questions whose answers spread widely (population stdev), in bank order."""
    stdevs = answers.flagged_stdev  # computed with the aggregates (core.flagged_stdev)
    if stdevs.count(None) == len(stdevs):
        return []
    codes = index.codes
    count = answers.count
    return records(
        ConsensusFlag,
        [(codes[i], stdev, count[i]) for i, stdev in enumerate(stdevs) if stdev is not None],
    )


class RuleContext:
    """What rule conditions read: the strategy, C_q, the level means and the scores."""

    __slots__ = ("_answers", "_current", "_index", "_scores", "_strategy")

    def __init__(
        self,
        index: BankIndex,
        strategy: Strategy,
        answers: Aggregates,
        scores: Scores,
    ) -> None:
        self._index = index
        self._strategy = strategy
        self._answers = answers
        self._current = answers.current
        self._scores = scores

    def strategy_value(self, field: str) -> str | None:
        """Return the strategy field's value."""
        if field not in STRATEGY_FIELDS:
            return None
        value: str | None = getattr(self._strategy, field)
        return value

    def current(self, question: str, level: str | None = None) -> float | None:
        """Return C_q (or one level's mean), or None when nobody (at that level) answered."""
        i = self._index.position.get(question)
        if i is None:
            return None
        if level is None:
            return self._current[i]
        answers = self._answers
        if level == "owner":
            return answers.owner_mean[i]
        manager, staff = answers.manager_mean[i], answers.staff_mean[i]
        if level == "manager":
            return manager
        if level == "staff":
            return staff
        if level == "others":
            if manager is None:
                return staff
            return manager if staff is None else (manager + staff) / 2
        return None

    def area_score(self, area: str) -> float | None:
        """Return the area score, or None when it has insufficient data."""
        a = self._index.area_position.get(area)
        return None if a is None else self._scores.area_score[a]

    def dimension_score(self, dimension: str) -> float | None:
        """Return the dimension score, or None when no area of it is scored."""
        d = self._index.dimension_position.get(dimension)
        return None if d is None else self._scores.dimension_score[d]


def consistency_flags(
    bank: Bank, context: RuleContext, language: str
) -> tuple[list[ConsistencyFlag], list[int]]:
    """Return the flags of the rules whose condition holds, and those rules' positions."""
    flags = []
    triggered = []
    for r, (rule, holds) in enumerate(
        zip(bank.rules, _rule_checks(bank, context._index), strict=True)
    ):
        if holds(context):
            flags.append(
                ConsistencyFlag(
                    rule.code, rule.severity, localize(rule.message, language), rule.remedies
                )
            )
            triggered.append(r)
    return flags, triggered


# --- rule conditions, compiled once per bank ---------------------------------------------------
# evaluate() walks a condition tree with a match statement and looks every code up by name, for
# every rule of every assessment. A bank never changes, so each condition is turned once into
# a closure over the positions it reads; it answers exactly as evaluate() does.

_Check: TypeAlias = Callable[[RuleContext], bool]


def _rule_checks(bank: Bank, index: BankIndex) -> tuple[_Check, ...]:
    """Return the compiled condition of each of the bank's rules, kept on the bank."""
    cached = bank._cache.get("rule_checks")
    if isinstance(cached, tuple):
        return cached
    checks = tuple(compile_condition(rule.when, index) for rule in bank.rules)
    bank._cache["rule_checks"] = checks
    return checks


def _never(context: RuleContext) -> bool:
    return False


def compile_condition(condition: Condition, index: BankIndex) -> _Check:
    """Return a function of the context that holds exactly when evaluate(condition) does."""
    match condition:
        case StrategyEquals(field, value):
            if field not in STRATEGY_FIELDS:
                return _never
            return lambda context: getattr(context._strategy, field) == value
        case QuestionCurrentAtLeast(question, value, level):
            return _question_check(index, question, level, at_least=True, bound=value - EPSILON)
        case QuestionCurrentAtMost(question, value, level):
            return _question_check(index, question, level, at_least=False, bound=value + EPSILON)
        case AreaScoreBelow(area, value):
            a = index.area_position.get(area)
            if a is None:
                return _never
            area_bound = value - EPSILON

            def area_below(context: RuleContext) -> bool:
                score = context._scores.area_score[a]
                return score is not None and score < area_bound

            return area_below
        case DimensionScoreBelow(dimension, value):
            d = index.dimension_position.get(dimension)
            if d is None:
                return _never
            dimension_bound = value - EPSILON

            def dimension_below(context: RuleContext) -> bool:
                score = context._scores.dimension_score[d]
                return score is not None and score < dimension_bound

            return dimension_below
        case AllOf(conditions):
            parts = tuple(compile_condition(c, index) for c in conditions)

            def all_of(context: RuleContext) -> bool:
                for part in parts:  # noqa: SIM110 - a loop, not all() over a generator: faster
                    if not part(context):
                        return False
                return True

            return all_of
        case AnyOf(conditions):
            parts = tuple(compile_condition(c, index) for c in conditions)

            def any_of(context: RuleContext) -> bool:
                for part in parts:  # noqa: SIM110 - a loop, not any() over a generator: faster
                    if part(context):
                        return True
                return False

            return any_of
        case Not(inner):
            negated = compile_condition(inner, index)
            return lambda context: not negated(context)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def _question_check(
    index: BankIndex, question: str, level: str | None, *, at_least: bool, bound: float
) -> _Check:
    """Return the check of C_q (or a level's mean) against a bound; false when it is missing."""
    i = index.position.get(question)
    if i is None or level not in (None, "owner", "manager", "staff", "others"):
        return _never
    if level is None:  # the common case, read without a further call
        if at_least:
            return lambda context: (c := context._current[i]) is not None and c >= bound
        return lambda context: (c := context._current[i]) is not None and c <= bound

    def check(context: RuleContext) -> bool:
        current = context.current(question, level)
        if current is None:
            return False
        return current >= bound if at_least else current <= bound

    return check


def pitfalls(
    bank: Bank,
    index: BankIndex,
    data: AssessmentInput,
    scores: Scores,
    gaps: Sequence[PerceptionGap],
    consensus: Sequence[ConsensusFlag],
    answered_questions: int,
) -> list[Pitfall]:
    """Return the seed's pitfalls that the scores show, each with its evidence."""
    found = []

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
        found.append(Pitfall("communication", tuple(evidence)))

    scored = [(score, d) for d, score in enumerate(scores.dimension_score) if score is not None]
    if len(scored) >= 2:
        high_score, high = max(scored, key=lambda s: (s[0], -s[1]))
        low_score, low = min(scored, key=lambda s: (s[0], s[1]))
        if high_score - low_score >= SILOS_MIN_SPREAD - EPSILON:
            found.append(
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
        found.append(Pitfall("market_changes", tuple(market)))

    culture_area = _pitfall_area_score(bank, index, scores, "culture")
    if culture_area is not None and data.strategy.value_discipline == "product_leadership":
        found.append(
            Pitfall(
                "culture",
                (
                    {"kind": "area_below_floor", "area": culture_area[0], "score": culture_area[1]},
                    {"kind": "value_discipline", "value_discipline": "product_leadership"},
                ),
            )
        )
    return found


def _pitfall_area_score(
    bank: Bank, index: BankIndex, scores: Scores, key: str
) -> tuple[str, float] | None:
    """Return (area, score) when the bank's pitfall area is scored below the floor."""
    code = bank.pitfall_areas.get(key)
    if code is None or code not in index.area_position:
        return None
    score = scores.area_score[index.area_position[code]]
    if score is None or score >= PITFALL_AREA_FLOOR - EPSILON:
        return None
    return code, score
