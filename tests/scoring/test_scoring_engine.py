"""The formulas of DESIGN.md section 6, each against a hand-computed expectation."""

from __future__ import annotations

import json
import math
import statistics
from datetime import date

import pytest
from scoring_testkit import make_bank, make_input, response

from scoring.constants import MISFIT_SPAN, OVERKILL_COST
from scoring.engine import (
    band_for,
    index_for_currents,
    misfit,
    projected_index,
    result_to_dict,
    result_to_json,
    score_assessment,
)
from scoring.inputs import Answer, Response

ONE_AREA = {"d": {"d.a": ["q1", "q2"]}}


def one_area_bank(**questions: dict[str, object]):
    return make_bank(ONE_AREA, questions=questions, pitfall_areas={})


# --- misfit -------------------------------------------------------------------------------


def test_shortfall_costs_fully() -> None:
    assert misfit(2, 4) == pytest.approx(0.5)
    assert misfit(1, 5) == pytest.approx(1.0)


def test_overkill_costs_half() -> None:
    assert misfit(5, 3) == pytest.approx(0.25)
    assert misfit(4, 3) == pytest.approx(0.125)


def test_at_target_costs_nothing() -> None:
    assert misfit(3, 3) == 0.0


def test_overkill_lowers_the_area_score_by_half_the_shortfall_cost() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    over = score_assessment(bank, make_input(response("owner", {"q1": 5})))  # target 3
    under = score_assessment(bank, make_input(response("owner", {"q1": 1})))
    assert over.area("d.a").score == pytest.approx(75.0)
    assert under.area("d.a").score == pytest.approx(50.0)


# --- area, dimension, coverage --------------------------------------------------------------


def test_area_score_weights_questions_by_weight_and_target() -> None:
    # Customer intimacy: q1 target 5, q2 target 4 (overridden below), weights 1 and 2.
    bank = one_area_bank(
        q1={"weight": 1.0},
        q2={
            "weight": 2.0,
            "targets": {
                "operational_excellence": 3,
                "product_leadership": 4,
                "customer_intimacy": 4,
            },
        },
    )
    result = score_assessment(
        bank, make_input(response("owner", {"q1": 3, "q2": 5}), discipline="customer_intimacy")
    )
    # q1: m = 2/4 = 0.5, weight·T/5 = 1; q2: m = 0.5·1/4 = 0.125, weight·T/5 = 1.6.
    expected = 100 * (1 - (1 * 0.5 + 1.6 * 0.125) / (1 + 1.6))
    assert result.area("d.a").score == pytest.approx(expected)
    fits = {f.code: f for f in result.area("d.a").contributions}
    assert fits["q1"].misfit == pytest.approx(0.5)
    assert fits["q2"].misfit == pytest.approx(0.125)
    lost = sum(f.points_lost or 0.0 for f in fits.values())
    assert lost == pytest.approx(100 - expected)


def test_unanswered_questions_do_not_count_in_the_area_score() -> None:
    bank = make_bank({"d": {"d.a": ["q1", "q2", "q3"]}}, pitfall_areas={})
    result = score_assessment(bank, make_input(response("owner", {"q1": 1, "q2": 3, "q3": None})))
    area = result.area("d.a")
    assert area.answered == 2
    assert area.coverage == pytest.approx(2 / 3)
    assert area.status == "ok"
    assert area.score == pytest.approx(100 * (1 - (0.6 * 0.5) / 1.2))


def test_area_under_sixty_percent_answered_has_insufficient_data() -> None:
    bank = make_bank({"d": {"d.a": ["q1", "q2", "q3", "q4", "q5"]}}, pitfall_areas={})
    two = score_assessment(bank, make_input(response("owner", {"q1": 3, "q2": 3})))
    three = score_assessment(bank, make_input(response("owner", {"q1": 3, "q2": 3, "q3": 3})))
    assert two.area("d.a").status == "insufficient_data"
    assert two.area("d.a").score is None
    assert two.area("d.a").coverage == pytest.approx(0.4)
    assert three.area("d.a").status == "ok"
    assert three.area("d.a").score == pytest.approx(100.0)


def test_area_with_insufficient_data_is_left_out_of_its_dimension() -> None:
    bank = make_bank(
        {"d": {"d.a": ["a1"], "d.b": ["b1", "b2", "b3"]}},
        area_weights={"d.a": 1.0, "d.b": 5.0},
        pitfall_areas={},
    )
    result = score_assessment(bank, make_input(response("owner", {"a1": 1, "b1": 3})))
    assert result.area("d.b").score is None
    assert result.area("d.a").score == pytest.approx(50.0)
    assert result.dimension("d").score == pytest.approx(50.0)
    assert result.alignment_index == pytest.approx(50.0)


def test_dimension_without_scored_area_is_left_out_of_the_index() -> None:
    bank = make_bank({"x": {"x.a": ["x1"]}, "y": {"y.a": ["y1"]}}, pitfall_areas={})
    result = score_assessment(bank, make_input(response("owner", {"y1": 1})))
    assert result.dimension("x").score is None
    assert result.dimension("y").score == pytest.approx(50.0)
    assert result.alignment_index == pytest.approx(50.0)
    assert result.weakest_dimension == "y"


def test_no_scored_dimension_gives_no_index_and_insufficient_data_band() -> None:
    bank = make_bank({"x": {"x.a": ["x1"]}, "y": {"y.a": ["y1"]}}, pitfall_areas={})
    result = score_assessment(bank, make_input(response("owner", {"x1": None})))
    assert result.alignment_index is None
    assert result.band == "insufficient_data"
    assert result.strategy_fit == {
        "operational_excellence": None,
        "product_leadership": None,
        "customer_intimacy": None,
    }
    as_dict = result_to_dict(result)
    assert as_dict["alignment_index"] is None
    assert as_dict["dimensions"]["x"]["score"] is None
    assert as_dict["dimensions"]["x"]["areas"]["x.a"]["status"] == "insufficient_data"


def test_dimension_score_is_the_area_weighted_mean() -> None:
    bank = make_bank(
        {"d": {"d.a": ["a1"], "d.b": ["b1"]}},
        area_weights={"d.a": 3.0, "d.b": 1.0},
        pitfall_areas={},
    )
    result = score_assessment(bank, make_input(response("owner", {"a1": 3, "b1": 1})))
    assert result.dimension("d").score == pytest.approx((3 * 100 + 1 * 50) / 4)


# --- current and target -----------------------------------------------------------------------


def test_ten_staff_do_not_drown_one_owner() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    staff = [response("staff", {"q1": 1}) for _ in range(10)]
    result = score_assessment(bank, make_input(response("owner", {"q1": 5}), *staff))
    fit = result.question("q1")
    assert fit.current == pytest.approx(3.0)
    assert fit.level_means == (5.0, None, 1.0)
    assert fit.respondents == 11


def test_current_is_the_mean_of_the_level_means() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    result = score_assessment(
        bank,
        make_input(
            response("owner", {"q1": 4}),
            response("manager", {"q1": 2}),
            response("manager", {"q1": 3}),
            response("staff", {"q1": 1}),
            response("staff", {"q1": None}),
        ),
    )
    assert result.question("q1").current == pytest.approx((4 + 2.5 + 1) / 3)
    assert result.respondents == {"owner": 1, "manager": 2, "staff": 2}


def test_owner_target_overrides_the_bank_target() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    result = score_assessment(bank, make_input(response("owner", {"q1": (2, 5)})))
    fit = result.question("q1")
    assert fit.target == 5
    assert fit.target_source == "owner"
    assert fit.misfit == pytest.approx(0.75)
    assert result.alignment_index == pytest.approx(25.0)


def test_targets_of_other_levels_are_ignored() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    staff = Response("staff", {"q1": Answer(current=2, target=5)})
    result = score_assessment(bank, make_input(staff))
    assert result.question("q1").target == 3
    assert result.question("q1").target_source == "bank"


def test_several_owner_targets_are_averaged() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    result = score_assessment(
        bank, make_input(response("owner", {"q1": (3, 5)}), response("owner", {"q1": (3, 4)}))
    )
    assert result.question("q1").target == pytest.approx(4.5)


# --- alignment index and bands ----------------------------------------------------------------


def test_alignment_index_is_half_weighted_mean_half_weakest_dimension() -> None:
    bank = make_bank(
        {"x": {"x.a": ["x1"]}, "y": {"y.a": ["y1"]}},
        dimension_weights={"x": 1.0, "y": 3.0},
        pitfall_areas={},
    )
    # x1 at target (100), y1 one point short of target 3 (m = 0.25, score 75).
    result = score_assessment(bank, make_input(response("owner", {"x1": 3, "y1": 2})))
    mean = (1 * 100 + 3 * 75) / 4
    assert result.weighted_mean == pytest.approx(mean)
    assert result.alignment_index == pytest.approx(0.5 * mean + 0.5 * 75)
    assert result.weakest_dimension == "y"
    contributions = result_to_dict(result)["alignment_index_contributions"]
    assert contributions["weakest_score"] == pytest.approx(75.0)
    assert [d["dimension"] for d in contributions["dimensions"]] == ["x", "y"]


@pytest.mark.parametrize(
    ("index", "band"),
    [
        (0.0, "misaligned"),
        (59.999, "misaligned"),
        (60.0, "partially_aligned"),
        (60.0 - 1e-12, "partially_aligned"),  # equal to the boundary but for float noise
        (79.0, "partially_aligned"),
        (79.5, "partially_aligned"),  # "60-79" means below 80
        (79.999, "partially_aligned"),
        (80.0, "aligned"),
        (89.5, "aligned"),
        (90.0, "resonant"),
        (100.0, "resonant"),
        (None, "insufficient_data"),
    ],
)
def test_band_boundaries(index: float | None, band: str) -> None:
    assert band_for(index) == band


def test_band_of_a_scored_assessment() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    # One point short of target 3: area 75 → partially aligned.
    assert score_assessment(bank, make_input(response("owner", {"q1": 2}))).band == (
        "partially_aligned"
    )
    # Two points short: 50 → misaligned.
    assert score_assessment(bank, make_input(response("owner", {"q1": 1}))).band == "misaligned"
    # Target 5 (customer intimacy), one point short: 75; at 4 of a target 4: 100 → resonant.
    intimate = make_input(response("owner", {"q1": (4, 4)}), discipline="customer_intimacy")
    assert score_assessment(bank, intimate).band == "resonant"


# --- perception gaps and consensus -------------------------------------------------------------


def test_perception_gap_compares_owner_with_the_other_levels() -> None:
    bank = make_bank({"d": {"d.a": ["q1", "q2", "q3"], "d.b": ["b1"]}}, pitfall_areas={})
    result = score_assessment(
        bank,
        make_input(
            response("owner", {"q1": 5, "q2": 4, "q3": 4, "b1": 3}),
            response("manager", {"q1": 3}),
            response("staff", {"q1": 2, "q2": 2, "b1": 3}),
            response("staff", {"q1": 3}),
        ),
    )
    gaps = {g.area: g for g in result.perception_gaps}
    # q1: others = mean(3, 2.5) = 2.75; q2: others = 2; q3 only the owner answered.
    assert gaps["d.a"].owner == pytest.approx(4.5)
    assert gaps["d.a"].others == pytest.approx(2.375)
    assert gaps["d.a"].gap == pytest.approx(2.125)
    assert gaps["d.a"].flagged is True
    assert gaps["d.a"].questions == ("q1", "q2")
    assert gaps["d.b"].gap == pytest.approx(0.0)
    assert gaps["d.b"].flagged is False
    assert [g.area for g in result.perception_gaps] == ["d.a", "d.b"]


def test_perception_gap_of_exactly_one_is_flagged_and_needs_both_sides() -> None:
    bank = make_bank({"d": {"d.a": ["q1"], "d.b": ["b1"]}}, pitfall_areas={})
    result = score_assessment(
        bank,
        make_input(response("owner", {"q1": 2, "b1": 4}), response("staff", {"q1": 3})),
    )
    assert [(g.area, g.gap, g.flagged) for g in result.perception_gaps] == [("d.a", -1.0, True)]


def test_consensus_flag_uses_population_stdev_with_three_answers() -> None:
    bank = make_bank({"d": {"d.a": ["q1", "q2", "q3"]}}, pitfall_areas={})
    result = score_assessment(
        bank,
        make_input(
            response("owner", {"q1": 1, "q2": 1, "q3": 3}),
            response("staff", {"q1": 1, "q2": 5, "q3": 3}),
            response("staff", {"q1": 5, "q2": None, "q3": 4}),
            response("staff", {"q1": 5}),
        ),
    )
    # q1: [1, 1, 5, 5] → 2.0; q2: two answers only; q3: [3, 3, 4] → 0.47.
    assert [(f.question, f.respondents) for f in result.consensus_flags] == [("q1", 4)]
    assert result.consensus_flags[0].stdev == pytest.approx(statistics.pstdev([1, 1, 5, 5]))


def test_consensus_threshold_is_inclusive() -> None:
    exactly = [1] * 11 + [2, 3, 3, 4, 5]  # population stdev exactly 1.25
    below = [1, 3, 4, 4]  # about 1.22
    bank = make_bank({"d": {"d.a": ["q1", "q2"]}}, pitfall_areas={})
    responses = [
        response("staff", {"q1": a, "q2": below[i] if i < len(below) else None})
        for i, a in enumerate(exactly)
    ]
    result = score_assessment(bank, make_input(*responses))
    assert statistics.pstdev(exactly) == 1.25
    assert [(f.question, f.stdev, f.respondents) for f in result.consensus_flags] == [
        ("q1", 1.25, 16)
    ]


# --- strategy fit, projected index, output ------------------------------------------------------


def test_strategy_fit_recomputes_with_each_discipline_ignoring_owner_targets() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    # Bank targets 3 / 4 / 5; the owner asks for 5 but today's practice is 3.
    result = score_assessment(bank, make_input(response("owner", {"q1": (3, 5)})))
    assert result.alignment_index == pytest.approx(50.0)
    assert result.strategy_fit["operational_excellence"] == pytest.approx(100.0)
    assert result.strategy_fit["product_leadership"] == pytest.approx(75.0)
    assert result.strategy_fit["customer_intimacy"] == pytest.approx(50.0)


def test_projected_index_sets_reached_questions_to_their_targets() -> None:
    bank = make_bank({"d": {"d.a": ["q1", "q2"]}}, pitfall_areas={})
    data = make_input(response("owner", {"q1": 1, "q2": (2, 4)}))
    now = score_assessment(bank, data).alignment_index
    # q1: T=3 weight 0.6, m 0.5; q2: T=4 weight 0.8, m 0.5.
    assert now == pytest.approx(100 * (1 - (0.3 + 0.4) / 1.4))
    assert projected_index(bank, data, []) == pytest.approx(now)
    assert projected_index(bank, data, ["q1"]) == pytest.approx(100 * (1 - 0.4 / 1.4))
    assert projected_index(bank, data, ["q1", "q2"]) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="unknown question"):
        projected_index(bank, data, ["nope"])


def test_result_json_has_the_keys_of_the_design() -> None:
    bank = make_bank()
    data = make_input(
        response(
            "owner",
            {
                "market.customers.feedback": (2, 5),
                "market.customers.segments": 4,
                "market.trends.scan": 1,
                "market.trends.review": 2,
            },
        ),
        response("staff", {"market.customers.feedback": 1}),
    )
    output = json.loads(result_to_json(score_assessment(bank, data)))
    for key in (
        "alignment_index",
        "band",
        "dimensions",
        "perception_gaps",
        "consensus_flags",
        "consistency_flags",
        "pitfalls",
        "priorities",
        "action_plan",
        "strategy_fit",
        "respondents",
        "alignment_index_contributions",
    ):
        assert key in output
    area = output["dimensions"]["market"]["areas"]["market.customers"]
    assert set(area) >= {"score", "coverage", "status", "contributions", "level_means"}
    assert set(area["contributions"][0]) >= {
        "question",
        "current",
        "target",
        "misfit",
        "weight",
        "level_means",
    }
    assert set(output["dimensions"]["market"]["contributions"][0]) == {"area", "score", "weight"}
    for item in output["priorities"]:
        assert set(item) >= {
            "question",
            "area",
            "dimension",
            "uplift",
            "feasibility",
            "priority",
            "quadrant",
        }
    assert output["action_plan"]
    for item in output["action_plan"]:
        assert set(item) >= {
            "question",
            "title",
            "specific",
            "kpi",
            "unit",
            "baseline",
            "target",
            "effort",
            "effort_days",
            "owner_role",
            "dimension",
            "area",
            "expected_uplift",
            "start",
            "due",
        }
        date.fromisoformat(item["start"])
        date.fromisoformat(item["due"])
    assert output["respondents"] == {"owner": 1, "manager": 0, "staff": 1}


def test_engine_rejects_answers_the_parser_would_reject() -> None:
    bank = make_bank({"d": {"d.a": ["q1"]}}, pitfall_areas={})
    with pytest.raises(ValueError, match="unknown question code"):
        score_assessment(bank, make_input(response("owner", {"nope": 3})))
    with pytest.raises(ValueError, match="unknown respondent level"):
        score_assessment(bank, make_input(response("ceo", {"q1": 3})))
    with pytest.raises(ValueError, match="outside the scale"):
        score_assessment(bank, make_input(response("owner", {"q1": 9})))
    with pytest.raises(ValueError, match="value discipline"):
        score_assessment(bank, make_input(response("owner", {"q1": 3}), discipline="cheap"))


def test_index_for_currents_scores_aggregate_values() -> None:
    bank = make_bank({"d": {"d.a": ["q1", "q2"]}}, pitfall_areas={})
    # q1 at 2.5 against 3 (m 0.125), q2 at 3 against an override of 4 (m 0.25).
    value = index_for_currents(
        bank, {"q1": 2.5, "q2": 3.0}, value_discipline="operational_excellence", targets={"q2": 4}
    )
    assert value == pytest.approx(100 * (1 - (0.6 * 0.125 + 0.8 * 0.25) / 1.4))
    assert index_for_currents(bank, {}, value_discipline="customer_intimacy") is None


def test_misfit_span_and_overkill_cost_are_powers_of_two() -> None:
    # alignment_by_discipline multiplies by term/4 and term·0.5/4 where the scoring divides by
    # 4 and multiplies by 0.5: the same floats only while both constants are powers of two.
    assert math.frexp(MISFIT_SPAN)[0] == 0.5
    assert math.frexp(OVERKILL_COST)[0] == 0.5
