"""The scoring model of DESIGN.md section 6: from a bank and answers to a Result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from scoring.bank import Bank
from scoring.constants import (
    BETTER_FIT_MIN_LEAD,
    BETTER_FIT_MIN_MATCH,
    COMPARE_DECIMALS,
    DEFAULT_LANGUAGE,
    DEFAULT_TOP_K,
    DISCIPLINES,
    EPSILON,
)
from scoring.core import (
    Aggregates,
    BankIndex,
    Scores,
    aggregate,
    alignment_by_discipline,
    band_for,
    bank_index,
    candidate_gains,
    localized_titles,
    misfit,
    profile_match,
    score,
    targets_for,
)
from scoring.findings import (
    RuleContext,
    consensus_flags,
    consistency_flags,
    perception_gaps,
    pitfalls,
)
from scoring.inputs import AssessmentInput
from scoring.plan import ActionItem, build_items, rank_priorities_at, select_plan
from scoring.records import records
from scoring.result_json import result_to_json
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
    "better_fit_of",
    "build_action_plan",
    "index_for_currents",
    "misfit",
    "projected_index",
    "result_to_dict",
    "result_to_json",
    "score_assessment",
]


def score_assessment(
    bank: Bank,
    data: AssessmentInput,
    *,
    top_k: int = DEFAULT_TOP_K,
    language: str = DEFAULT_LANGUAGE,
) -> Result:
    """Score an assessment: every score, flag, pitfall, priority, the plan and strategy fit.

    Texts taken from the bank (titles, messages, action texts) are in language, falling back
    to English and then to the first language the bank gives.
    """
    discipline = data.strategy.value_discipline
    if discipline not in DISCIPLINES:
        raise ValueError(f"unknown value discipline {discipline!r}")
    index = bank_index(bank)
    answers = aggregate(bank, index, data)
    current = answers.current
    target, terms = targets_for(index, answers.owner_target, discipline)
    scores = score(index, current, target, terms)
    area_titles, dimension_titles = localized_titles(bank, index, language)

    gaps = perception_gaps(index, answers)
    consensus = consensus_flags(index, answers)
    context = RuleContext(index, data.strategy, answers, scores)
    consistency, fired = consistency_flags(bank, context, language)
    answered_questions = sum(scores.area_answered)
    found = pitfalls(bank, index, data, scores, gaps, consensus, answered_questions)

    # Priorities: every question with a misfit, with the feasibility of its applicable
    # template (scale_back when practice is above target and the bank has one).
    misfits = scores.misfit
    action_feasibility = index.feasibility
    scale_back_feasibility = index.scale_back_feasibility
    area_of = index.area_of
    area_score = scores.area_score
    candidates: list[int] = []
    directions: list[str] = []
    feasibility = list(action_feasibility)
    plan_candidates: dict[int, float] = {}
    for i, m in enumerate(misfits):
        if m is None or m <= 0.0:
            continue
        over = current[i] > target[i]  # type: ignore[operator]  # answered: m is a number
        f = action_feasibility[i]
        if over:
            back = scale_back_feasibility[i]
            if back is not None:
                f = feasibility[i] = back
                if area_score[area_of[i]] is not None:
                    plan_candidates[i] = f
        elif area_score[area_of[i]] is not None:
            plan_candidates[i] = f
        candidates.append(i)
        directions.append("scale_back" if over else "raise")
    gains, rises = candidate_gains(index, scores, candidates)
    priorities = rank_priorities_at(
        candidates,
        gains,
        codes=index.codes,
        area_codes=index.question_area_codes,
        dimension_codes=index.question_dimension_codes,
        feasibility=feasibility,
        directions=directions,
    )

    high = sorted((bank.rules[r].code, r) for r in fired if bank.rules[r].severity == "high")
    reserved = [index.rule_remedies[r] for _, r in high]
    reserved.extend(index.pitfall_remedies[p.code] for p in found)
    picks, plan_projected = select_plan(
        index,
        scores,
        plan_candidates,
        reserved,
        top_k,
        rises,
    )
    plan: tuple[ActionItem, ...] = ()
    if picks:
        questions = bank.questions
        templates = []
        for pick in picks:
            question = questions[index.codes[pick.question]]
            scale_back = question.scale_back
            over = current[pick.question] > target[pick.question]  # type: ignore[operator]
            templates.append(scale_back if over and scale_back is not None else question.action)
        plan = build_items(
            picks,
            index=index,
            templates=templates,
            current=current,
            target=target,
            feasibility=plan_candidates,
            addresses=_addresses(bank, index, [p.question for p in picks], fired, found, gaps),
            area_titles=area_titles,
            organization=data.organization.name,
            segment=data.strategy.segment,
            capacity_days_per_month=data.organization.capacity_days_per_month,
            plan_start=data.plan_start,
            language=language,
        )

    fit = alignment_by_discipline(index, current)
    match = profile_match(index, current)

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
        dimensions=_dimension_results(
            index, answers, target, scores, area_titles, dimension_titles
        ),
        perception_gaps=tuple(gaps),
        consensus_flags=tuple(consensus),
        consistency_flags=tuple(consistency),
        pitfalls=tuple(found),
        priorities=priorities,
        action_plan=plan,
        strategy_fit=fit,
        plan_projected_index=plan_projected,
        profile_match=match,
        better_fit=better_fit_of(match, discipline),
        language=language,
    )


def better_fit_of(match: Mapping[str, float | None], declared: str) -> str | None:
    """Return the discipline today's practice fits clearly better than the declared one.

    The highest match (ties by code) when it is not the declared discipline, is at least 0.3
    and beats the declared discipline's match (None counts as 0) by at least 0.2; else None.
    """
    ranked = sorted(
        (-round(value, COMPARE_DECIMALS), discipline)
        for discipline, value in match.items()
        if value is not None
    )
    if not ranked:
        return None
    negated, best = ranked[0]
    value = -negated
    if best == declared or value < BETTER_FIT_MIN_MATCH - EPSILON:
        return None
    declared_value = match.get(declared)
    lead = value - (0.0 if declared_value is None else declared_value)
    return best if lead >= BETTER_FIT_MIN_LEAD - EPSILON else None


def _addresses(
    bank: Bank,
    index: BankIndex,
    chosen: Sequence[int],
    fired: Sequence[int],
    found: Sequence[Pitfall],
    gaps: Sequence[PerceptionGap],
) -> dict[int, tuple[str, ...]]:
    """Return, per plan question, the fired rules and pitfalls its item addresses.

    A rule when it names the question among its remedies; a pitfall when its remedies name
    the question or the question touches it: market_changes the market-trends area, culture
    the culture area, communication an area with a flagged perception gap, silos the
    lowest-scoring dimension.
    """
    gap_areas = {g.area for g in gaps if g.flagged}
    lowest_dimension = None
    for pitfall in found:
        if pitfall.code == "silos":
            for evidence in pitfall.evidence:
                if evidence.get("kind") == "lowest_dimension":
                    lowest_dimension = evidence.get("dimension")
    touched = {
        "market_changes": bank.pitfall_areas.get("market_trends"),
        "culture": bank.pitfall_areas.get("culture"),
    }
    result = {}
    for i in chosen:
        a = index.area_of[i]
        area = index.area_codes[a]
        dimension = index.dimension_codes[index.area_dimension[a]]
        codes = [bank.rules[r].code for r in fired if i in index.rule_remedies[r]]
        for pitfall in found:
            code = pitfall.code
            if (
                i in index.pitfall_remedies[code]
                or (code in touched and area == touched[code])
                or (code == "communication" and area in gap_areas)
                or (code == "silos" and dimension == lowest_dimension)
            ):
                codes.append(code)
        result[i] = tuple(codes)
    return result


def _dimension_results(
    index: BankIndex,
    answers: Aggregates,
    target: list[float],
    scores: Scores,
    area_titles: tuple[str, ...],
    dimension_titles: tuple[str, ...],
) -> tuple[DimensionScore, ...]:
    # Built column-wise, C-level where it can be: this runs for every question of every
    # assessment.
    current = answers.current
    contribution = scores.contribution
    points_lost: list[float | None] = [None] * len(current)
    for questions, area_score, den in zip(
        index.area_questions, scores.area_score, scores.area_den, strict=True
    ):
        if area_score is not None and den > 0.0:
            share = 100.0 / den
            for i in questions:
                if current[i] is not None:
                    points_lost[i] = share * contribution[i]
    level_means = list(
        zip(answers.owner_mean, answers.manager_mean, answers.staff_mean, strict=True)
    )
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
    area_dimension_codes = index.area_dimension_codes
    areas = records(
        AreaScore,
        [
            (
                index.area_codes[a],
                area_titles[a],
                area_dimension_codes[a],
                index.area_weight[a],
                area_score,
                answered / total if total else 0.0,
                "insufficient_data" if area_score is None else "ok",
                answered,
                total,
                _area_level_means(level_means[span]),
                tuple(fits[span]),
            )
            for a, (span, total, area_score, answered) in enumerate(
                zip(
                    index.area_span,
                    index.area_size,
                    scores.area_score,
                    scores.area_answered,
                    strict=True,
                )
            )
        ],
    )
    return tuple(
        records(
            DimensionScore,
            [
                (
                    index.dimension_codes[d],
                    dimension_titles[d],
                    index.dimension_weight[d],
                    scores.dimension_score[d],
                    tuple(areas[span]),  # its areas: contiguous, dimension by dimension
                )
                for d, span in enumerate(index.dimension_span)
            ],
        )
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


def build_action_plan(
    bank: Bank,
    data: AssessmentInput,
    *,
    top_k: int = DEFAULT_TOP_K,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[ActionItem, ...]:
    """Return the v2 SMART action plan of an assessment (the plan of score_assessment)."""
    return score_assessment(bank, data, top_k=top_k, language=language).action_plan
