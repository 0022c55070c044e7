"""The four pitfalls of the seed, each with the evidence that triggered it."""

from __future__ import annotations

from datetime import date, timedelta

from scoring_testkit import DEFAULT_LAYOUT, make_bank, make_input, response

from scoring.engine import Result, score_assessment

ALL = [code for areas in DEFAULT_LAYOUT.values() for codes in areas.values() for code in codes]
MARKET = [code for codes in DEFAULT_LAYOUT["market"].values() for code in codes]
ORGANIZATIONAL = [code for codes in DEFAULT_LAYOUT["organizational"].values() for code in codes]
TRENDS = DEFAULT_LAYOUT["market"]["market.trends"]
CULTURE = DEFAULT_LAYOUT["organizational"]["organizational.culture"]


def codes_of(result: Result) -> list[str]:
    return [p.code for p in result.pitfalls]


def evidence_of(result: Result, code: str) -> list[dict[str, object]]:
    return [dict(e) for p in result.pitfalls if p.code == code for e in p.evidence]


def test_balanced_assessment_has_no_pitfall() -> None:
    bank = make_bank()
    result = score_assessment(bank, make_input(response("owner", dict.fromkeys(ALL, 3))))
    assert result.pitfalls == ()


# --- communication ------------------------------------------------------------------------


def test_perception_gaps_in_two_areas_mean_poor_communication() -> None:
    bank = make_bank()
    owner = dict.fromkeys(ALL, 3)
    staff = dict.fromkeys(ALL, 3) | dict.fromkeys(TRENDS, 1) | dict.fromkeys(CULTURE, 5)
    result = score_assessment(bank, make_input(response("owner", owner), response("staff", staff)))
    assert codes_of(result) == ["communication"]
    areas = [e["area"] for e in evidence_of(result, "communication")]
    assert areas == ["market.trends", "organizational.culture"]


def test_a_perception_gap_in_one_area_is_not_enough() -> None:
    bank = make_bank()
    owner = dict.fromkeys(ALL, 3)
    staff = dict.fromkeys(ALL, 3) | dict.fromkeys(TRENDS, 1)
    result = score_assessment(bank, make_input(response("owner", owner), response("staff", staff)))
    assert "communication" not in codes_of(result)


def consensus_input(disputed: int) -> list:
    """Three staff who agree on every question but `disputed` of the ten."""
    responses = []
    for values in ((3, 3), (3, 1), (3, 5)):
        answers = dict.fromkeys(ALL, values[0])
        answers.update(dict.fromkeys(ALL[:disputed], values[1]))
        responses.append(response("staff", answers))
    return responses


def test_low_consensus_on_a_fifth_of_the_questions_means_poor_communication() -> None:
    bank = make_bank()
    result = score_assessment(bank, make_input(*consensus_input(2)))
    assert len(result.consensus_flags) == 2
    assert codes_of(result) == ["communication"]
    questions = [e.get("question") for e in evidence_of(result, "communication")]
    assert questions[:2] == ALL[:2]


def test_low_consensus_on_a_tenth_of_the_questions_is_not_enough() -> None:
    bank = make_bank()
    result = score_assessment(bank, make_input(*consensus_input(1)))
    assert len(result.consensus_flags) == 1
    assert "communication" not in codes_of(result)


# --- silos --------------------------------------------------------------------------------


def test_a_spread_of_25_between_dimensions_means_silos() -> None:
    bank = make_bank()
    answers = dict.fromkeys(MARKET, 3) | dict.fromkeys(ORGANIZATIONAL, 2)  # 100 vs 75
    result = score_assessment(bank, make_input(response("owner", answers)))
    assert codes_of(result) == ["silos"]
    evidence = evidence_of(result, "silos")
    assert {e.get("dimension") for e in evidence} >= {"market", "organizational"}


def test_a_small_spread_is_no_silo() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3) | {CULTURE[0]: 2}
    result = score_assessment(bank, make_input(response("owner", answers)))
    assert "silos" not in codes_of(result)


def test_one_scored_dimension_is_no_silo() -> None:
    bank = make_bank()
    result = score_assessment(bank, make_input(response("owner", dict.fromkeys(MARKET, 1))))
    assert result.dimension("organizational").score is None
    assert "silos" not in codes_of(result)


# --- market changes -------------------------------------------------------------------------


def test_weak_market_trends_area_means_ignoring_market_changes() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3) | dict.fromkeys(TRENDS, 1)  # trends area 50
    result = score_assessment(bank, make_input(response("owner", answers)))
    assert "market_changes" in codes_of(result)
    assert evidence_of(result, "market_changes")[0]["area"] == "market.trends"


def test_market_trends_area_at_sixty_is_not_below_sixty() -> None:
    bank = make_bank()
    base = dict.fromkeys(ALL, 3)
    # Five staff averaging 1.4 on both trends questions: m = 0.4, area score 60.
    staff = [response("staff", base | dict.fromkeys(TRENDS, v)) for v in (1, 1, 1, 1, 3)]
    result = score_assessment(bank, make_input(*staff))
    assert abs(result.area("market.trends").score - 60.0) < 1e-9
    assert "market_changes" not in codes_of(result)


def test_no_assessment_in_the_last_year_means_ignoring_market_changes() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3)
    on = date(2027, 1, 4)
    stale = make_input(response("owner", answers), history=(on - timedelta(days=366),))
    result = score_assessment(bank, stale)
    assert codes_of(result) == ["market_changes"]
    evidence = evidence_of(result, "market_changes")[0]
    assert evidence["last_assessed"] == (on - timedelta(days=366)).isoformat()
    assert evidence["days_since"] == 366


def test_an_assessment_within_365_days_is_recent_enough() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3)
    on = date(2027, 1, 4)
    history = (on - timedelta(days=800), on - timedelta(days=365))
    result = score_assessment(bank, make_input(response("owner", answers), history=history))
    assert result.pitfalls == ()


def test_history_is_checked_against_assessed_on() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3)
    data = make_input(
        response("owner", answers),
        history=(date(2026, 6, 1),),
        assessed_on=date(2027, 12, 1),
    )
    assert codes_of(score_assessment(bank, data)) == ["market_changes"]


def test_empty_or_missing_history_is_no_evidence() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3)
    assert score_assessment(bank, make_input(response("owner", answers), history=())).pitfalls == ()
    assert score_assessment(bank, make_input(response("owner", answers))).pitfalls == ()


# --- culture ----------------------------------------------------------------------------------


def test_weak_culture_under_product_leadership_means_overlooking_culture() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 4) | dict.fromkeys(CULTURE, 2)  # culture area 50
    result = score_assessment(
        bank, make_input(response("owner", answers), discipline="product_leadership")
    )
    assert "culture" in codes_of(result)
    assert evidence_of(result, "culture")[0]["area"] == "organizational.culture"


def test_weak_culture_under_another_discipline_is_not_that_pitfall() -> None:
    bank = make_bank()
    answers = dict.fromkeys(ALL, 3) | dict.fromkeys(CULTURE, 1)
    result = score_assessment(bank, make_input(response("owner", answers)))
    assert "culture" not in codes_of(result)


def test_pitfalls_come_in_the_order_of_the_seed_and_plan_items_address_what_they_touch() -> None:
    bank = make_bank()
    people = DEFAULT_LAYOUT["organizational"]["organizational.people"]
    # Market 87.5 against organizational 50; gaps on trends and culture.
    owner = dict.fromkeys(MARKET, 4) | dict.fromkeys(CULTURE, 1) | dict.fromkeys(people, 2)
    staff = owner | dict.fromkeys(TRENDS, 2) | dict.fromkeys(CULTURE, 3)
    data = make_input(
        response("owner", owner),
        response("staff", staff),
        discipline="product_leadership",
        history=(date(2020, 1, 1),),
    )
    result = score_assessment(bank, data)
    assert codes_of(result) == ["communication", "silos", "market_changes", "culture"]
    for pitfall in result.pitfalls:
        assert pitfall.evidence
    culture_items = [i for i in result.action_plan if i.area == "organizational.culture"]
    assert culture_items
    # The culture area: culture's area, a flagged perception gap, and the lowest dimension.
    for item in culture_items:
        assert item.addresses == ("communication", "silos", "culture")
    people_items = [i for i in result.action_plan if i.area == "organizational.people"]
    assert people_items
    for item in people_items:
        assert item.addresses == ("silos",)
