"""The v2 engine against hand-computed cases: the plan fixes what the diagnosis found, strategy
fit, bands, languages (DESIGN.md section 6)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from scoring_testkit import action_dict, make_bank, make_input, response

from scoring.bank import Bank, bank_to_dict, dump_bank_yaml, load_bank_yaml, parse_bank
from scoring.constants import DISCIPLINES
from scoring.engine import projected_index, result_to_dict, result_to_json, score_assessment

ROOT = Path(__file__).resolve().parents[2]
# The shipped bank; the apps' restructuring moves it from assessments/banks/ to banks/.
SHIPPED = [ROOT / "banks" / "default.yaml", ROOT / "assessments" / "banks" / "default.yaml"]

# --- the seed's bakery: a cost strategy with premium inputs and a star chef -----------------

BAKERY_LAYOUT = {
    "financial": {"financial.costs": ["financial.costs.premium_inputs", "financial.costs.pricing"]},
    "operational": {
        "operational.kitchen": ["operational.kitchen.star_chef", "operational.kitchen.hygiene"]
    },
}
LOW_COST = {"operational_excellence": 2, "product_leadership": 5, "customer_intimacy": 4}
PLAIN = {"operational_excellence": 3, "product_leadership": 3, "customer_intimacy": 3}
PREMIUM_RULE = {
    "code": "cost-strategy-premium-inputs",
    "severity": "high",
    "message": {
        "en": "A low-cost strategy buys premium inputs.",
        "de": "Eine Kostenstrategie kauft Premiumzutaten.",
    },
    "when": {
        "all": [
            {"strategy": "value_discipline", "equals": "operational_excellence"},
            {"question": "financial.costs.premium_inputs", "current_at_least": 4},
        ]
    },
    "remedies": ["financial.costs.premium_inputs"],
}


def bakery_bank() -> Bank:
    return make_bank(
        BAKERY_LAYOUT,
        questions={
            "financial.costs.premium_inputs": {
                "targets": LOW_COST,
                "scale_back": action_dict(
                    title={"en": "Buy standard flour for {segment}", "de": "Standardmehl kaufen"},
                    kpi="flour cost per kg",
                    unit="EUR/kg",
                    effort=3,
                    effort_days=4,
                    duration_weeks=4,
                    kpi_target=1.2,
                    kpi_direction="down",
                ),
            },
            "financial.costs.pricing": {"targets": PLAIN},
            "operational.kitchen.star_chef": {
                "targets": LOW_COST,
                "scale_back": action_dict(
                    title="Let the chef train the team on the basics",
                    effort=1,
                    effort_days=2,
                    duration_weeks=2,
                    kpi="chef hours on signature dishes per week",
                    unit="hours",
                    kpi_target=5,
                    kpi_direction="down",
                ),
            },
            "operational.kitchen.hygiene": {"targets": PLAIN},
        },
        rules=[PREMIUM_RULE],
        pitfall_areas={},
    )


BAKERY_ANSWERS = {
    "financial.costs.premium_inputs": 5,
    "financial.costs.pricing": 3,
    "operational.kitchen.star_chef": 5,
    "operational.kitchen.hygiene": 3,
}


def test_bakery_plan_first_scales_back_the_premium_inputs_the_rule_names() -> None:
    bank = bakery_bank()
    result = score_assessment(bank, make_input(response("owner", BAKERY_ANSWERS)))
    # m = 0.5·(5−2)/4 = 0.375 on a term 0.4 of 1.0: both areas 85, both dimensions 85.
    assert result.area("financial.costs").score == pytest.approx(85.0)
    assert result.area("operational.kitchen").score == pytest.approx(85.0)
    assert result.alignment_index == pytest.approx(85.0)
    assert result.band == "aligned"
    assert [f.rule for f in result.consistency_flags] == ["cost-strategy-premium-inputs"]
    first, second = result.action_plan
    # Greedy alone would start with the chef (same gain, feasibility 1.0 against 0.6): the
    # rule's remedy is reserved first.
    assert first.question == "financial.costs.premium_inputs"
    assert first.direction == "scale_back"
    assert first.addresses == ("cost-strategy-premium-inputs",)
    assert first.title == "Buy standard flour for budget families"
    assert (first.kpi, first.unit, first.kpi_direction) == ("flour cost per kg", "EUR/kg", "down")
    assert (first.baseline, first.target) == (None, 1.2)
    assert (first.practice_from, first.practice_to) == (5.0, 2.0)
    assert first.feasibility == pytest.approx(0.6)
    # Costs reach 100: AI = 0.5·92.5 + 0.5·85.
    assert first.expected_uplift == pytest.approx(3.75)
    assert second.question == "operational.kitchen.star_chef"
    assert second.direction == "scale_back"
    assert second.addresses == ()
    assert second.expected_uplift == pytest.approx(11.25)
    assert result.plan_projected_index == pytest.approx(100.0)
    assert first.expected_uplift + second.expected_uplift == pytest.approx(
        result.plan_projected_index - result.alignment_index
    )
    # Capacity 8 person-days a month = 1.846 a week; each item needs 1 a week: one at a time.
    assert (first.start, first.due) == (date(2027, 1, 4), date(2027, 2, 1))
    assert (second.start, second.due) == (date(2027, 2, 1), date(2027, 2, 15))
    # Priorities carry the direction; the chef's lighter scale-back makes it the better one.
    assert [(p.question, p.direction) for p in result.priorities] == [
        ("operational.kitchen.star_chef", "scale_back"),
        ("financial.costs.premium_inputs", "scale_back"),
    ]


def test_bakery_in_german_falls_back_to_english_where_untranslated() -> None:
    bank = bakery_bank()
    result = score_assessment(bank, make_input(response("owner", BAKERY_ANSWERS)), language="de")
    assert result.consistency_flags[0].message == "Eine Kostenstrategie kauft Premiumzutaten."
    assert result.action_plan[0].title == "Standardmehl kaufen"
    assert result.action_plan[1].title == "Let the chef train the team on the basics"
    assert result_to_dict(result)["language"] == "de"
    # A language the bank does not have at all: English.
    french = score_assessment(bank, make_input(response("owner", BAKERY_ANSWERS)), language="fr")
    assert french.consistency_flags[0].message == "A low-cost strategy buys premium inputs."


def test_above_target_without_a_scale_back_template_is_never_a_plan_item() -> None:
    bank = make_bank(
        BAKERY_LAYOUT,
        questions={"financial.costs.premium_inputs": {"targets": LOW_COST}},
        pitfall_areas={},
    )
    answers = BAKERY_ANSWERS | {"operational.kitchen.star_chef": 1}
    result = score_assessment(bank, make_input(response("owner", answers)))
    assert "financial.costs.premium_inputs" in {p.question for p in result.priorities}
    assert [i.question for i in result.action_plan] == ["operational.kitchen.star_chef"]
    assert result.action_plan[0].direction == "raise"


# --- a confident owner, staff who cannot explain the strategy -------------------------------

STAFF_LAYOUT = {
    "organizational": {
        "organizational.communication": [
            "organizational.communication.staff_know",
            "organizational.communication.meetings",
        ],
        "organizational.people": ["organizational.people.roles", "organizational.people.skills"],
    },
    "market": {"market.customers": ["market.customers.feedback", "market.customers.segments"]},
}
STAFF_RULE = {
    "code": "strategy-unknown-to-staff",
    "severity": "high",
    "message": "The owner is confident; the staff cannot explain the strategy.",
    "when": {
        "question": "organizational.communication.staff_know",
        "level": "others",
        "current_at_most": 2,
    },
    "remedies": ["organizational.communication.staff_know"],
}


def test_a_confident_owner_does_not_hide_what_staff_say() -> None:
    bank = make_bank(STAFF_LAYOUT, rules=[STAFF_RULE], pitfall_areas={})
    owner = {
        code: 1 for areas in STAFF_LAYOUT.values() for codes in areas.values() for code in codes
    }
    owner["organizational.communication.staff_know"] = 4
    staff = [response("staff", {"organizational.communication.staff_know": 1}) for _ in range(3)]
    data = make_input(response("owner", owner), *staff)
    result = score_assessment(bank, data, top_k=1)
    # Pooled, the question is at 2.5 against 3: a small gap the greedy plan would not pick
    # before the questions at 1.
    assert result.question("organizational.communication.staff_know").current == pytest.approx(2.5)
    assert [f.rule for f in result.consistency_flags] == ["strategy-unknown-to-staff"]
    (item,) = result.action_plan
    assert item.question == "organizational.communication.staff_know"
    assert item.addresses == ("strategy-unknown-to-staff",)
    assert (item.practice_from, item.practice_to, item.direction) == (2.5, 3.0, "raise")
    assert result.priorities[0].question != "organizational.communication.staff_know"


def test_pitfall_remedies_are_reserved_and_addressed() -> None:
    data = bank_dict_with(
        pitfall_remedies={"silos": ["market.customers.segments"]},
    )
    bank = parse_bank(data)
    answers = dict.fromkeys(bank.questions, 1)
    answers |= {"market.customers.feedback": 3, "market.customers.segments": 2}
    # Market 87.5 (segments one short of 3), organizational 50: silos.
    result = score_assessment(bank, make_input(response("owner", answers)), top_k=1)
    assert "silos" in [p.code for p in result.pitfalls]
    (item,) = result.action_plan
    assert item.question == "market.customers.segments"
    assert item.addresses == ("silos",)
    # Without the reservation the lowest dimension's questions come first.
    plain = score_assessment(
        make_bank(STAFF_LAYOUT, pitfall_areas={}), make_input(response("owner", answers)), top_k=1
    )
    assert plain.action_plan[0].question.startswith("organizational.")
    assert plain.action_plan[0].addresses == ("silos",)


def bank_dict_with(**extra: Any) -> dict[str, Any]:
    from scoring_testkit import bank_dict

    data = bank_dict(STAFF_LAYOUT, pitfall_areas={})
    data.update(extra)
    return data


# --- all fives, flat businesses, a business serving another strategy --------------------------


def test_an_all_fives_business_gets_no_raise_item() -> None:
    bank = make_bank(
        questions={
            "market.customers.feedback": {"scale_back": action_dict(title="Ask less often")},
            "organizational.culture.risk": {"scale_back": action_dict(title="Fewer experiments")},
        }
    )
    answers = dict.fromkeys(bank.questions, 5)
    result = score_assessment(bank, make_input(response("owner", answers)))
    assert result.action_plan
    assert {i.question for i in result.action_plan} == {
        "market.customers.feedback",
        "organizational.culture.risk",
    }
    for item in result.action_plan:
        assert item.direction == "scale_back"
        assert item.practice_to < item.practice_from
    assert {p.direction for p in result.priorities} == {"scale_back"}


VARIED_LAYOUT = {
    "d1": {"d1.a": ["q1", "q2", "q3"], "d1.b": ["q4", "q5", "q6"]},
    "d2": {"d2.a": ["q7", "q8", "q9"], "d2.b": ["q10", "q11", "q12"]},
}
SHAPES = {
    "operational_excellence": [5, 5, 4, 2, 1, 2, 5, 4, 3, 2, 1, 3],
    "product_leadership": [1, 2, 2, 5, 5, 4, 1, 2, 3, 5, 5, 3],
    "customer_intimacy": [3, 3, 5, 3, 3, 5, 2, 5, 5, 3, 3, 4],
}


def varied_bank() -> Bank:
    questions = {
        f"q{k + 1}": {"targets": {d: SHAPES[d][k] for d in DISCIPLINES}} for k in range(12)
    }
    return make_bank(VARIED_LAYOUT, questions=questions, pitfall_areas={})


@pytest.mark.parametrize("value", [2, 3, 4])
@pytest.mark.parametrize("declared", DISCIPLINES)
def test_a_flat_business_never_gets_a_better_fit(value: int, declared: str) -> None:
    bank = varied_bank()
    data = make_input(response("owner", dict.fromkeys(bank.questions, value)), discipline=declared)
    result = score_assessment(bank, data)
    assert result.better_fit is None
    assert dict(result.profile_match or {}) == dict.fromkeys(DISCIPLINES)
    output = result_to_dict(result)
    assert output["better_fit"] is None
    assert output["profile_match"] == dict.fromkeys(DISCIPLINES)


@pytest.mark.parametrize("practised", DISCIPLINES)
def test_practising_one_discipline_while_declaring_another_names_it(practised: str) -> None:
    bank = varied_bank()
    answers = {f"q{k + 1}": SHAPES[practised][k] for k in range(12)}
    for declared in DISCIPLINES:
        result = score_assessment(bank, make_input(response("owner", answers), discipline=declared))
        assert result.profile_match is not None
        assert result.profile_match[practised] == pytest.approx(1.0)
        assert result.strategy_fit[practised] == pytest.approx(100.0)
        assert result.better_fit == (None if declared == practised else practised)


def weighted_pearson(xs: list[float], ys: list[float], ws: list[float]) -> float:
    total = sum(ws)
    mx = sum(w * x for w, x in zip(ws, xs, strict=True)) / total
    my = sum(w * y for w, y in zip(ws, ys, strict=True)) / total
    cov = sum(w * (x - mx) * (y - my) for w, x, y in zip(ws, xs, ys, strict=True))
    vx = sum(w * (x - mx) ** 2 for w, x in zip(ws, xs, strict=True))
    vy = sum(w * (y - my) ** 2 for w, y in zip(ws, ys, strict=True))
    return cov / (vx * vy) ** 0.5


def test_profile_match_is_the_weighted_pearson_over_answered_questions() -> None:
    questions: dict[str, dict[str, Any]] = {
        f"q{k + 1}": {"targets": {d: SHAPES[d][k] for d in DISCIPLINES}, "weight": 1 + k % 3}
        for k in range(12)
    }
    bank = make_bank(VARIED_LAYOUT, questions=questions, pitfall_areas={})
    owner = {f"q{k + 1}": 1 + (k * 7) % 5 for k in range(12)} | {"q12": None}
    staff = {"q1": 5, "q2": 1}
    result = score_assessment(bank, make_input(response("owner", owner), response("staff", staff)))
    currents = [result.question(f"q{k + 1}").current for k in range(11)]
    weights = [float(1 + k % 3) for k in range(11)]
    assert result.profile_match is not None
    for discipline in DISCIPLINES:
        expected = weighted_pearson(currents, [float(t) for t in SHAPES[discipline][:11]], weights)  # type: ignore[arg-type]
        assert result.profile_match[discipline] == pytest.approx(expected, abs=1e-9)


def test_profile_match_needs_five_answered_questions() -> None:
    bank = varied_bank()
    four = {"q1": 1, "q2": 2, "q3": 3, "q4": 4}
    result = score_assessment(bank, make_input(response("owner", four)))
    assert dict(result.profile_match or {}) == dict.fromkeys(DISCIPLINES)
    result = score_assessment(bank, make_input(response("owner", four | {"q5": 5})))
    assert all(v is not None for v in (result.profile_match or {}).values())


def test_better_fit_needs_a_clear_lead() -> None:
    from scoring.engine import better_fit_of

    declared = "product_leadership"
    assert (
        better_fit_of(
            {"operational_excellence": 0.5, declared: 0.31, "customer_intimacy": 0.0}, declared
        )
        is None
    )
    assert (
        better_fit_of(
            {"operational_excellence": 0.51, declared: 0.31, "customer_intimacy": 0.0}, declared
        )
        == "operational_excellence"
    )
    assert (
        better_fit_of(
            {"operational_excellence": 0.29, declared: None, "customer_intimacy": None}, declared
        )
        is None
    )
    assert (
        better_fit_of(
            {"operational_excellence": 0.3, declared: None, "customer_intimacy": None}, declared
        )
        == "operational_excellence"
    )
    # Ties by code: customer_intimacy before operational_excellence.
    assert (
        better_fit_of(
            {"operational_excellence": 0.8, declared: 0.1, "customer_intimacy": 0.8}, declared
        )
        == "customer_intimacy"
    )
    assert (
        better_fit_of(
            {"operational_excellence": 0.9, declared: 0.95, "customer_intimacy": 0.0}, declared
        )
        is None
    )
    assert better_fit_of(dict.fromkeys(DISCIPLINES), declared) is None


# --- the plan's promised gain is true ------------------------------------------------------


def test_each_uplift_is_the_gain_at_its_pick_and_they_add_up() -> None:
    bank = make_bank(
        area_weights={"market.trends": 2.0},
        dimension_weights={"organizational": 1.5},
        questions={"market.customers.feedback": {"weight": 3.0}},
    )
    answers: dict[str, Any] = {code: 1 + (k * 3) % 5 for k, code in enumerate(bank.questions)}
    data = make_input(
        response("owner", answers), response("staff", dict.fromkeys(bank.questions, 2))
    )
    result = score_assessment(bank, data, top_k=20)
    assert result.alignment_index is not None
    done: list[str] = []
    before = result.alignment_index
    for item in result.action_plan:
        done.append(item.question)
        after = projected_index(bank, data, done)
        assert after is not None
        assert item.expected_uplift == pytest.approx(after - before, abs=1e-9)
        before = after
    assert result.plan_projected_index == projected_index(bank, data, done)
    total = sum(item.expected_uplift for item in result.action_plan)
    assert total == pytest.approx(result.plan_projected_index - result.alignment_index, abs=1e-9)


def test_result_json_has_the_v2_keys() -> None:
    bank = bakery_bank()
    output = json.loads(
        result_to_json(score_assessment(bank, make_input(response("owner", BAKERY_ANSWERS))))
    )
    for key in ("plan_projected_index", "strategy_fit", "profile_match", "better_fit"):
        assert key in output
    assert set(output["priorities"][0]) >= {"direction"}
    item = output["action_plan"][0]
    assert list(item)[:21] == [
        "question",
        "direction",
        "title",
        "specific",
        "kpi",
        "unit",
        "kpi_direction",
        "baseline",
        "target",
        "practice_from",
        "practice_to",
        "effort",
        "effort_days",
        "feasibility",
        "owner_role",
        "dimension",
        "area",
        "addresses",
        "expected_uplift",
        "start",
        "due",
    ]
    assert item["addresses"] == ["cost-strategy-premium-inputs"]
    assert output["consistency_flags"][0]["remedies"] == ["financial.costs.premium_inputs"]


# --- the shipped bank ------------------------------------------------------------------------


def test_the_shipped_default_bank_validates_round_trips_and_is_calibrated() -> None:
    path = next((p for p in SHIPPED if p.exists()), None)
    if path is None:
        pytest.skip("no shipped default bank found")
    bank = load_bank_yaml(path.read_text(encoding="utf-8"), source=str(path))
    assert load_bank_yaml(dump_bank_yaml(bank)) == bank
    assert parse_bank(bank_to_dict(bank)) == bank
    # Section 6: an owner answering 2 everywhere is misaligned, 3 partially aligned.
    for value, band in ((2, "misaligned"), (3, "partially_aligned")):
        for discipline in DISCIPLINES:
            data = make_input(
                response("owner", dict.fromkeys(bank.questions, value)), discipline=discipline
            )
            result = score_assessment(bank, data)
            assert result.band == band
            assert result.better_fit is None
