"""Hypothesis properties of the scoring model (DESIGN.md section 6), no database involved."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scoring_testkit import action_dict, bank_dict

from scoring.bank import Bank, bank_to_dict, parse_bank
from scoring.constants import BANDS, DISCIPLINES, LEVELS, PITFALLS, QUADRANTS
from scoring.engine import (
    index_for_currents,
    projected_index,
    result_to_dict,
    result_to_json,
    score_assessment,
)
from scoring.inputs import (
    Answer,
    AssessmentInput,
    OrganizationInfo,
    Response,
    Strategy,
)

PROPERTIES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TOLERANCE = 1e-9

weights = st.floats(min_value=0.1, max_value=10.0, allow_nan=False, allow_infinity=False)


@st.composite
def banks(draw: st.DrawFn) -> Bank:
    layout: dict[str, dict[str, list[str]]] = {}
    questions: dict[str, dict[str, Any]] = {}
    area_weights: dict[str, float] = {}
    dimension_weights: dict[str, float] = {}
    for d in range(draw(st.integers(1, 3))):
        dimension = f"d{d}"
        dimension_weights[dimension] = draw(weights)
        layout[dimension] = {}
        for a in range(draw(st.integers(1, 3))):
            area = f"{dimension}.a{a}"
            area_weights[area] = draw(weights)
            codes = [f"{area}.q{q}" for q in range(draw(st.integers(1, 4)))]
            layout[dimension][area] = codes
            for code in codes:
                questions[code] = {
                    "weight": draw(weights),
                    "targets": {d: draw(st.integers(1, 5)) for d in DISCIPLINES},
                    "action": {
                        "effort": draw(st.integers(1, 5)),
                        "effort_days": draw(st.sampled_from([0.5, 1, 2.5, 4, 10, 30])),
                        "duration_weeks": draw(st.integers(1, 8)),
                    },
                }
                if draw(st.booleans()):
                    questions[code]["scale_back"] = action_dict(
                        title="Scale back {area}",
                        effort=draw(st.integers(1, 5)),
                        effort_days=draw(st.sampled_from([0.5, 2, 8])),
                        duration_weeks=draw(st.integers(1, 6)),
                    )
    areas = [area for dimension in layout.values() for area in dimension]
    codes = [code for dimension in layout.values() for area in dimension.values() for code in area]
    remedies = st.lists(st.sampled_from(codes), max_size=3, unique=True)
    rules = []
    for r in range(draw(st.integers(0, 4))):
        condition: dict[str, Any] = {
            "question": draw(st.sampled_from(codes)),
            draw(st.sampled_from(["current_at_least", "current_at_most"])): draw(st.integers(1, 5)),
        }
        level = draw(st.sampled_from([None, "owner", "manager", "staff", "others"]))
        if level is not None:
            condition["level"] = level
        rule = {
            "code": f"rule-{draw(st.sampled_from('zyxw'))}{r}",
            "severity": draw(st.sampled_from(["low", "medium", "high", "high"])),
            "message": "Found.",
            "when": condition,
        }
        chosen = draw(remedies)
        if chosen:
            rule["remedies"] = chosen
        rules.append(rule)
    data = bank_dict(
        layout,
        questions=questions,
        area_weights=area_weights,
        dimension_weights=dimension_weights,
        rules=rules,
        pitfall_areas={"market_trends": areas[0], "culture": areas[-1]},
    )
    pitfall_remedies = {p: draw(remedies) for p in PITFALLS if draw(st.booleans())}
    if pitfall_remedies:
        data["pitfall_remedies"] = pitfall_remedies
    return parse_bank(data)


MISSING = object()
answer_values = st.sampled_from([MISSING, None, 1, 2, 3, 4, 5])


@st.composite
def responses_for(draw: st.DrawFn, bank: Bank, level: str | None = None) -> Response:
    level = level or draw(st.sampled_from(LEVELS))
    answers = {}
    for code in bank.questions:
        current = draw(answer_values)
        if current is MISSING:
            continue
        target = draw(st.sampled_from([None, None, 1, 2, 3, 4, 5])) if level == "owner" else None
        answers[code] = Answer(current=current, target=target)  # type: ignore[arg-type]
    return Response(level=level, answers=answers)


def assessment(
    responses: list[Response] | tuple[Response, ...],
    discipline: str,
    capacity: float = 8.0,
    history: tuple[date, ...] | None = None,
) -> AssessmentInput:
    return AssessmentInput(
        strategy=Strategy(discipline, "families", None),
        organization=OrganizationInfo("Crumb & Co", capacity),
        plan_start=date(2027, 1, 4),
        responses=tuple(responses),
        history=history,
    )


@st.composite
def assessments(draw: st.DrawFn) -> tuple[Bank, AssessmentInput]:
    bank = draw(banks())
    responses = draw(st.lists(responses_for(bank), min_size=0, max_size=6))
    discipline = draw(st.sampled_from(DISCIPLINES))
    capacity = draw(st.sampled_from([0.5, 2.0, 8.0, 20.0]))
    history = draw(st.sampled_from([None, (), (date(2025, 1, 1),), (date(2026, 6, 1),)]))
    return bank, assessment(responses, discipline, capacity, history)


def in_bounds(value: float | None, low: float = 0.0, high: float = 100.0) -> bool:
    return value is None or low - TOLERANCE <= value <= high + TOLERANCE


@PROPERTIES
@given(assessments())
def test_scores_stay_within_bounds(case: tuple[Bank, AssessmentInput]) -> None:
    bank, data = case
    result = score_assessment(bank, data)
    assert in_bounds(result.alignment_index)
    assert result.band in BANDS
    assert (result.alignment_index is None) == (result.band == "insufficient_data")
    for dimension in result.dimensions:
        assert in_bounds(dimension.score)
        for area in dimension.areas:
            assert in_bounds(area.score)
            assert 0.0 <= area.coverage <= 1.0
            for fit in area.contributions:
                assert in_bounds(fit.current, 1, 5)
                assert in_bounds(fit.misfit, 0, 1)
    for value in result.strategy_fit.values():
        assert in_bounds(value)
    for priority in result.priorities:
        assert priority.uplift >= 0.0
        assert in_bounds(priority.uplift)
        assert 0.2 - TOLERANCE <= priority.feasibility <= 1.0
        assert priority.quadrant in QUADRANTS
    for gap in result.perception_gaps:
        assert -4.0 <= gap.gap <= 4.0
    for item in result.action_plan:
        assert item.start_week >= 0
        assert item.start >= data.plan_start
        assert item.due > item.start


@PROPERTIES
@given(st.data())
def test_moving_an_aggregate_current_toward_its_target_never_lowers_the_index(
    data: st.DataObject,
) -> None:
    bank = data.draw(banks())
    discipline = data.draw(st.sampled_from(DISCIPLINES))
    codes = list(bank.questions)
    chosen = data.draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
    currents = {code: data.draw(st.floats(1.0, 5.0)) for code in chosen}
    targets = {code: float(data.draw(st.integers(1, 5))) for code in codes}
    moved = data.draw(st.sampled_from(chosen))
    step = data.draw(st.floats(0.0, 1.0))
    before = index_for_currents(bank, currents, value_discipline=discipline, targets=targets)
    closer = dict(currents)
    closer[moved] = currents[moved] + step * (targets[moved] - currents[moved])
    after = index_for_currents(bank, closer, value_discipline=discipline, targets=targets)
    if before is None:
        assert after is None
    else:
        assert after is not None
        assert after >= before - TOLERANCE


@PROPERTIES
@given(st.data())
def test_with_one_respondent_raising_an_answer_below_target_never_lowers_the_index(
    data: st.DataObject,
) -> None:
    bank = data.draw(banks())
    discipline = data.draw(st.sampled_from(DISCIPLINES))
    response = data.draw(responses_for(bank))
    before = score_assessment(bank, assessment([response], discipline))
    below = [
        fit
        for dimension in before.dimensions
        for area in dimension.areas
        for fit in area.contributions
        if fit.current is not None and fit.current < fit.target
    ]
    assume(below)
    fit = data.draw(st.sampled_from(below))
    raised_to = data.draw(st.integers(int(fit.current) + 1, int(fit.target)))  # type: ignore[arg-type]
    answers = dict(response.answers)
    answers[fit.code] = answers[fit.code]._replace(current=raised_to)
    after = score_assessment(bank, assessment([Response(response.level, answers)], discipline))
    if before.alignment_index is None:
        # Coverage did not change, so neither did "insufficient data".
        assert after.alignment_index is None
    else:
        assert after.alignment_index is not None
        assert after.alignment_index >= before.alignment_index - TOLERANCE


@PROPERTIES
@given(st.data())
def test_all_answers_at_target_give_100_and_no_actions(data: st.DataObject) -> None:
    bank = data.draw(banks())
    discipline = data.draw(st.sampled_from(DISCIPLINES))
    owner_targets = {
        code: data.draw(st.one_of(st.none(), st.integers(1, 5))) for code in bank.questions
    }

    def target(code: str) -> int:
        override = owner_targets[code]
        return bank.question(code).targets[discipline] if override is None else override

    levels = data.draw(st.lists(st.sampled_from(LEVELS), min_size=0, max_size=4))
    responses = [
        Response("owner", {c: Answer(target(c), owner_targets[c]) for c in bank.questions})
    ] + [
        Response(level, {c: Answer(target(c)) for c in bank.questions})
        for level in levels
        if level != "owner"
    ]
    result = score_assessment(bank, assessment(responses, discipline))
    assert result.alignment_index == 100.0
    assert result.band == "resonant"
    assert result.priorities == ()
    assert result.action_plan == ()


@PROPERTIES
@given(assessments(), st.randoms(use_true_random=False))
def test_respondent_order_never_matters(case: tuple[Bank, AssessmentInput], rng: Any) -> None:
    bank, data = case
    shuffled = list(data.responses)
    rng.shuffle(shuffled)
    other = dataclasses.replace(data, responses=tuple(shuffled))
    assert result_to_json(score_assessment(bank, other)) == result_to_json(
        score_assessment(bank, data)
    )


def scores_and_priorities(output: dict[str, Any]) -> dict[str, Any]:
    """Keep what duplicating responses must not change: every score and every priority."""
    dimensions = {}
    for code, dimension in output["dimensions"].items():
        areas = {
            area_code: {
                "score": area["score"],
                "coverage": area["coverage"],
                "level_means": area["level_means"],
                "questions": [
                    {k: v for k, v in fit.items() if k != "respondents"}
                    for fit in area["contributions"]
                ],
            }
            for area_code, area in dimension["areas"].items()
        }
        dimensions[code] = {"score": dimension["score"], "areas": areas}
    return {
        "alignment_index": output["alignment_index"],
        "band": output["band"],
        "dimensions": dimensions,
        "perception_gaps": output["perception_gaps"],
        "priorities": output["priorities"],
        "strategy_fit": output["strategy_fit"],
        "consensus_stdevs": [f["stdev"] for f in output["consensus_flags"]],
    }


@PROPERTIES
@given(assessments())
def test_duplicating_every_response_changes_no_score_and_no_priority(
    case: tuple[Bank, AssessmentInput],
) -> None:
    bank, data = case
    doubled = dataclasses.replace(data, responses=data.responses + data.responses)
    once = result_to_dict(score_assessment(bank, data))
    twice = result_to_dict(score_assessment(bank, doubled))
    single = scores_and_priorities(once)
    double = scores_and_priorities(twice)
    # A question with two answers has no consensus flag; four copies of them may have one.
    if len(once["consensus_flags"]) == len(twice["consensus_flags"]):
        assert single == double
    else:
        single.pop("consensus_stdevs")
        double.pop("consensus_stdevs")
        assert single == double


@PROPERTIES
@given(assessments())
def test_same_input_gives_byte_identical_json(case: tuple[Bank, AssessmentInput]) -> None:
    bank, data = case
    first = result_to_json(score_assessment(bank, data))
    fresh_bank = parse_bank(json.loads(json.dumps(bank_to_dict(bank))))
    second = result_to_json(score_assessment(fresh_bank, data))
    assert first == second
    json.loads(first)


@PROPERTIES
@given(assessments(), st.integers(0, 12), st.sampled_from(["en", "de"]))
def test_the_json_text_is_json_dumps_of_the_dict_form(
    case: tuple[Bank, AssessmentInput], top_k: int, language: str
) -> None:
    bank, data = case
    result = score_assessment(bank, data, top_k=top_k, language=language)
    expected = json.dumps(result_to_dict(result), indent=2, ensure_ascii=False, allow_nan=False)
    assert result_to_json(result) == expected


@PROPERTIES
@given(assessments())
def test_incremental_uplift_equals_the_projected_index_gain(
    case: tuple[Bank, AssessmentInput],
) -> None:
    bank, data = case
    result = score_assessment(bank, data)
    for priority in result.priorities:
        if result.alignment_index is None:
            assert priority.uplift == 0.0
            continue
        projected = projected_index(bank, data, [priority.question])
        assert projected is not None
        assert abs(priority.uplift - (projected - result.alignment_index)) < 1e-7


@PROPERTIES
@given(assessments())
def test_reaching_every_target_gives_100(case: tuple[Bank, AssessmentInput]) -> None:
    bank, data = case
    result = score_assessment(bank, data)
    answered = [
        fit.code
        for dimension in result.dimensions
        for area in dimension.areas
        for fit in area.contributions
        if fit.current is not None
    ]
    reached = projected_index(bank, data, answered)
    assert reached == (None if result.alignment_index is None else 100.0)


@PROPERTIES
@given(banks())
def test_bank_export_round_trips(bank: Bank) -> None:
    assert parse_bank(bank_to_dict(bank)) == bank


@PROPERTIES
@given(assessments())
def test_strategy_fit_of_the_declared_discipline_without_owner_targets_is_the_index(
    case: tuple[Bank, AssessmentInput],
) -> None:
    bank, data = case
    without_targets = dataclasses.replace(
        data,
        responses=tuple(
            Response(r.level, {c: Answer(a.current) for c, a in r.answers.items()})
            for r in data.responses
        ),
    )
    result = score_assessment(bank, without_targets)
    assert result.strategy_fit[data.strategy.value_discipline] == result.alignment_index
    for discipline in DISCIPLINES:
        other = dataclasses.replace(
            without_targets, strategy=Strategy(discipline, "families", None)
        )
        assert result.strategy_fit[discipline] == score_assessment(bank, other).alignment_index


# --- the v2 plan ------------------------------------------------------------------------------


def reference_plan(
    bank: Bank, data: AssessmentInput, top_k: int
) -> tuple[list[tuple[str, float]], float | None]:
    """Return the plan of section 6 computed naively: a full re-score for every value."""
    result = score_assessment(bank, data, top_k=0)
    discipline = data.strategy.value_discipline
    fits = [fit for d in result.dimensions for a in d.areas for fit in a.contributions]
    targets = {fit.code: fit.target for fit in fits}
    cur = {fit.code: fit.current for fit in fits if fit.current is not None}

    def index(currents: dict[str, float]) -> float | None:
        return index_for_currents(bank, currents, value_discipline=discipline, targets=targets)

    candidates: dict[str, float] = {}
    for fit in fits:
        if (
            fit.current is None
            or not fit.misfit
            or result.area(bank.area_of(fit.code).code).score is None
        ):
            continue
        question = bank.question(fit.code)
        template = question.action if fit.current < fit.target else question.scale_back
        if template is not None:
            candidates[fit.code] = (6 - template.effort) / 5

    plan: list[tuple[str, float]] = []

    def pick(options: list[str]) -> None:
        now = index(cur)
        assert now is not None
        scored = []
        for code in options:
            gain = index(cur | {code: targets[code]}) - now  # type: ignore[operator]
            scored.append((-round(gain * candidates[code], 9), code, gain))
        _, code, gain = min(scored)
        plan.append((code, gain))
        cur[code] = targets[code]

    high = sorted(
        (flag.rule, flag.remedies) for flag in result.consistency_flags if flag.severity == "high"
    )
    groups = [remedies for _, remedies in high]
    groups += [bank.pitfall_remedies.get(p.code, ()) for p in result.pitfalls]
    if result.alignment_index is None or top_k <= 0:
        return [], result.alignment_index
    for group in groups:
        if len(plan) >= top_k:
            break
        if any(code in group for code, _ in plan):
            continue
        options = [code for code in group if code in candidates]
        if options:
            pick(options)
    while len(plan) < top_k and len(plan) < len(candidates):
        pick([code for code in candidates if code not in {c for c, _ in plan}])
    return plan, index(cur)


@PROPERTIES
@given(assessments(), st.sampled_from([1, 3, 8, 100]))
def test_the_plan_is_the_one_section_6_defines(
    case: tuple[Bank, AssessmentInput], top_k: int
) -> None:
    bank, data = case
    result = score_assessment(bank, data, top_k=top_k)
    expected, projected = reference_plan(bank, data, top_k)
    assert [item.question for item in result.action_plan] == [code for code, _ in expected]
    for item, (_, gain) in zip(result.action_plan, expected, strict=True):
        assert abs(item.expected_uplift - gain) < 1e-9
    if projected is None:
        assert result.plan_projected_index is None
    else:
        assert result.plan_projected_index is not None
        assert abs(result.plan_projected_index - projected) < 1e-9


@PROPERTIES
@given(assessments())
def test_the_plan_uplifts_add_up_to_the_projected_gain(case: tuple[Bank, AssessmentInput]) -> None:
    bank, data = case
    result = score_assessment(bank, data)
    if result.alignment_index is None:
        assert result.action_plan == ()
        assert result.plan_projected_index is None
        return
    assert result.plan_projected_index is not None
    total = sum(item.expected_uplift for item in result.action_plan)
    assert abs(total - (result.plan_projected_index - result.alignment_index)) < 1e-9
    reached = projected_index(bank, data, [item.question for item in result.action_plan])
    assert result.plan_projected_index == reached
    assert in_bounds(result.plan_projected_index)
    assert result.plan_projected_index >= result.alignment_index - TOLERANCE


@PROPERTIES
@given(assessments())
def test_every_fired_high_rule_with_a_remedy_candidate_is_addressed(
    case: tuple[Bank, AssessmentInput],
) -> None:
    bank, data = case
    result = score_assessment(bank, data, top_k=100)
    planned = {item.question for item in result.action_plan}
    candidates = {
        p.question
        for p in result.priorities
        if result.area(p.area).score is not None
        and (p.direction == "raise" or bank.question(p.question).scale_back is not None)
    }
    addressed = {rule for item in result.action_plan for rule in item.addresses}
    for flag in result.consistency_flags:
        if flag.severity == "high" and candidates.intersection(flag.remedies):
            assert planned.intersection(flag.remedies)
            assert flag.rule in addressed
    # With the default K, too, as long as K covers every reservation.
    default = score_assessment(bank, data)
    groups = [f for f in result.consistency_flags if f.severity == "high"]
    if len(groups) + len(result.pitfalls) <= 8:
        planned = {item.question for item in default.action_plan}
        for flag in groups:
            if candidates.intersection(flag.remedies):
                assert planned.intersection(flag.remedies)


@PROPERTIES
@given(assessments())
def test_no_plan_item_says_raise_from_high_to_low(case: tuple[Bank, AssessmentInput]) -> None:
    bank, data = case
    result = score_assessment(bank, data, top_k=100)
    for item in result.action_plan:
        if item.direction == "raise":
            assert item.practice_to > item.practice_from
        else:
            assert item.direction == "scale_back"
            assert item.practice_to < item.practice_from
            assert bank.question(item.question).scale_back is not None
        assert item.baseline is None
    for priority in result.priorities:
        fit = result.question(priority.question)
        assert fit.current is not None
        assert priority.direction == ("raise" if fit.current < fit.target else "scale_back")


@PROPERTIES
@given(assessments())
def test_profile_match_is_a_correlation_and_better_fit_is_never_the_declared(
    case: tuple[Bank, AssessmentInput],
) -> None:
    bank, data = case
    result = score_assessment(bank, data)
    assert result.profile_match is not None
    for value in result.profile_match.values():
        assert value is None or -1.0 <= value <= 1.0
    assert result.better_fit in (None, *DISCIPLINES)
    assert result.better_fit != data.strategy.value_discipline
    currents = {fit.current for d in result.dimensions for a in d.areas for fit in a.contributions}
    if len(currents - {None}) <= 1:
        assert result.better_fit is None
