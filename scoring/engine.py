"""The scoring model of DESIGN.md section 6: from a bank and answers to a Result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from scoring.bank import Bank
from scoring.constants import DISCIPLINES
from scoring.core import (
    Aggregates,
    BankIndex,
    Scores,
    aggregate,
    alignment_by_discipline,
    band_for,
    bank_index,
    misfit,
    score,
    targets_for,
    uplifts,
)
from scoring.inputs import AssessmentInput
from scoring.plan import Priority, build_action_plan, rank_priorities_at
from scoring.records import records
from scoring.results import (
    AreaScore,
    ConsensusFlag,
    ConsistencyFlag,
    DimensionScore,
    LevelMeans,
    PerceptionGap,
    Pitfall,
    QuestionFit,
    Result,
    result_to_dict,
    result_to_json,
)
from scoring.signals import (
    RuleContext,
    consensus_flags,
    consistency_flags,
    perception_gaps,
    pitfalls,
)

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


def score_assessment(bank: Bank, data: AssessmentInput, *, top_k: int = 8) -> Result:
    """Score an assessment: every score, flag, pitfall, priority and the action plan."""
    discipline = data.strategy.value_discipline
    if discipline not in DISCIPLINES:
        raise ValueError(f"unknown value discipline {discipline!r}")
    index = bank_index(bank)
    answers = aggregate(bank, index, data)
    current = answers.current
    target, terms = targets_for(index, answers.owner_target, discipline)
    scores = score(index, current, target, terms)

    gaps = perception_gaps(index, answers)
    consensus = consensus_flags(index, answers)
    context = RuleContext(index, data.strategy, current, scores)
    consistency, triggered_rules = consistency_flags(bank, context)
    answered_questions = sum(1 for c in current if c is not None)
    found = pitfalls(bank, index, data, scores, gaps, consensus, answered_questions)

    candidates = [i for i, m in enumerate(scores.misfit) if m is not None and m > 0.0]
    priorities = rank_priorities_at(
        candidates,
        uplifts(index, scores, candidates),
        codes=index.codes,
        area_of=index.area_of,
        area_codes=index.area_codes,
        area_dimension=index.area_dimension,
        dimension_codes=index.dimension_codes,
        feasibility=index.feasibility,
    )
    chosen = priorities[: max(0, top_k)]
    position = index.position
    # Priorities exist only for answered questions, so every chosen C_q is a number.
    baselines = {p.question: current[position[p.question]] for p in chosen}
    plan = build_action_plan(
        bank,
        chosen,
        currents={code: value for code, value in baselines.items() if value is not None},
        targets={p.question: target[position[p.question]] for p in chosen},
        organization=data.organization,
        strategy=data.strategy,
        plan_start=data.plan_start,
        answers=_answered_by(index, chosen, triggered_rules, bank, found),
        top_k=top_k,
    )

    fit = alignment_by_discipline(index, current)

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
        dimensions=_dimension_results(index, answers, target, scores),
        perception_gaps=tuple(gaps),
        consensus_flags=tuple(consensus),
        consistency_flags=tuple(consistency),
        pitfalls=tuple(found),
        priorities=priorities,
        action_plan=plan,
        strategy_fit=fit,
    )


def _answered_by(
    index: BankIndex,
    chosen: Sequence[Priority],
    triggered_rules: Sequence[int],
    bank: Bank,
    found: Sequence[Pitfall],
) -> dict[str, tuple[str, ...]]:
    """Return, per question, the triggered rules and pitfalls its action answers."""
    pitfall_areas = [
        (p.code, {e.get("area") for e in p.evidence if e.get("area") is not None}) for p in found
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
    index: BankIndex,
    answers: Aggregates,
    target: Sequence[float],
    scores: Scores,
) -> tuple[DimensionScore, ...]:
    current = answers.current
    owner_mean = answers.owner_mean
    manager_mean = answers.manager_mean
    staff_mean = answers.staff_mean
    contribution = scores.contribution
    # Built column-wise: this runs for every question of every assessment.
    points_lost: list[float | None] = [None] * len(current)
    for questions, area_score, den in zip(
        index.area_questions, scores.area_score, scores.area_den, strict=True
    ):
        if area_score is not None and den > 0.0:
            share = 100.0 / den
            for i in questions:
                if current[i] is not None:
                    points_lost[i] = share * contribution[i]
    level_means = list(zip(owner_mean, manager_mean, staff_mean, strict=True))
    fits = records(
        QuestionFit,
        zip(
            index.codes,
            current,
            target,
            scores.misfit,
            index.weight,
            level_means,
            ["bank" if t is None else "owner" for t in answers.owner_target],
            answers.count,
            points_lost,
            strict=True,
        ),
    )
    areas: list[AreaScore] = []
    for a, questions in enumerate(index.area_questions):
        area_score = scores.area_score[a]
        answered = scores.area_answered[a]
        first, last = (questions[0], questions[-1] + 1) if questions else (0, 0)
        areas.append(
            AreaScore(
                index.area_codes[a],
                index.area_titles[a],
                index.dimension_codes[index.area_dimension[a]],
                index.area_weight[a],
                area_score,
                answered / len(questions) if questions else 0.0,
                "insufficient_data" if area_score is None else "ok",
                answered,
                len(questions),
                _area_level_means(level_means[first:last]),
                tuple(fits[first:last]),
            )
        )
    return tuple(
        DimensionScore(
            index.dimension_codes[d],
            index.dimension_titles[d],
            index.dimension_weight[d],
            scores.dimension_score[d],
            tuple(areas[a] for a in area_indexes),
        )
        for d, area_indexes in enumerate(index.dimension_areas)
    )


def _area_level_means(question_means: Iterable[LevelMeans]) -> LevelMeans:
    """Return the owner, manager and staff means over the questions each level answered."""
    owner = manager = staff = 0.0
    owners = managers = staffs = 0
    for o, m, s in question_means:
        if o is not None:
            owner += o
            owners += 1
        if m is not None:
            manager += m
            managers += 1
        if s is not None:
            staff += s
            staffs += 1
    return (
        owner / owners if owners else None,
        manager / managers if managers else None,
        staff / staffs if staffs else None,
    )


def projected_index(bank: Bank, data: AssessmentInput, reached: Iterable[str]) -> float | None:
    """Return the alignment index once the given questions reach their targets (C_q := T_q)."""
    index = bank_index(bank)
    answers = aggregate(bank, index, data)
    target, terms = targets_for(index, answers.owner_target, data.strategy.value_discipline)
    current = list(answers.current)
    for code in reached:
        i = index.position.get(code)
        if i is None:
            raise ValueError(f"unknown question code {code!r}")
        current[i] = target[i]
    return score(index, current, target, terms).alignment_index


def index_for_currents(
    bank: Bank,
    currents: Mapping[str, float],
    *,
    value_discipline: str,
    targets: Mapping[str, float] | None = None,
) -> float | None:
    """Return the alignment index for given aggregate currents C_q (and optional T_q overrides)."""
    index = bank_index(bank)
    current: list[float | None] = [None] * len(index.codes)
    for code, value in currents.items():
        current[index.position[code]] = value
    overrides: list[float | None] = [None] * len(index.codes)
    for code, value in (targets or {}).items():
        overrides[index.position[code]] = value
    target, terms = targets_for(index, overrides, value_discipline)
    return score(index, current, target, terms).alignment_index
