"""What the report says: bank order, three plain findings, the strategy-fit sentence."""

import copy
import re

import pytest

from banks.services import bank_to_engine
from reports.content import report_content, signed, spread_positions
from scoring.engine import band_for

pytestmark = pytest.mark.django_db


def _content(report, assessment, result=None):
    return report_content(
        assessment=assessment,
        result=result or report.result,
        perception=report.perception,
        plan=list(assessment.action_items.order_by("position")),
        bank=bank_to_engine(assessment.bank),
    )


def test_rows_follow_bank_order_whatever_order_the_stored_json_has(built_report, assessment):
    shuffled = copy.deepcopy(built_report.result)
    shuffled["dimensions"] = {
        code: {**dim, "areas": dict(reversed(dim["areas"].items()))}
        for code, dim in reversed(shuffled["dimensions"].items())
    }
    shuffled["strategy_fit"] = dict(reversed(shuffled["strategy_fit"].items()))
    content = _content(built_report, assessment, shuffled)
    bank = bank_to_engine(assessment.bank)
    assert [d.code for d in content.dimensions] == [d.code for d in bank.dimensions]
    assert [a.code for a in content.areas] == [a.code for d in bank.dimensions for a in d.areas]
    assert [row.discipline for row in content.fit] == [
        "operational_excellence",
        "product_leadership",
        "customer_intimacy",
    ]


def test_three_findings_in_plain_words(built_report, assessment):
    content = _content(built_report, assessment)
    assert len(content.findings) == 3
    for finding in content.findings:
        assert not re.search(r"\b[a-z]+\.[a-z_]+\b", finding.text), finding.text  # no codes
    assert content.summary.startswith(
        f"Crumb & Co scores {built_report.alignment_index:.0f} out of 100"
    )


def test_fit_sentence_names_the_better_discipline(built_report, assessment):
    result = copy.deepcopy(built_report.result)
    result["profile_match"] = {
        "operational_excellence": 0.1,
        "product_leadership": -0.2,
        "customer_intimacy": 0.62,
    }
    result["better_fit"] = "customer_intimacy"
    content = _content(built_report, assessment, result)
    assert content.fit_sentence.startswith(
        "The pattern of your answers matches customer intimacy (match 0.62) clearly better "
        "than the operational excellence you declared (match 0.10): your operations serve "
        "another strategy"
    )
    assert [row.best for row in content.fit] == [False, False, True]
    assert [row.declared for row in content.fit] == [True, False, False]
    assert any(f.kind == "fit" for f in content.findings)


def test_only_better_fit_may_claim_another_strategy(built_report, assessment):
    result = copy.deepcopy(built_report.result)
    # Another discipline's index is far higher, yet the engine found no better fit (a flat
    # business, say): the report must not claim the operations serve another strategy.
    result["strategy_fit"] = {
        "operational_excellence": 61.0,
        "product_leadership": 55.0,
        "customer_intimacy": 80.6,
    }
    result["profile_match"] = {
        "operational_excellence": None,
        "product_leadership": None,
        "customer_intimacy": None,
    }
    result["better_fit"] = None
    content = _content(built_report, assessment, result)
    assert "another strategy" not in content.fit_sentence
    assert "too few answers, or they are all alike" in content.fit_sentence
    assert not any(row.best for row in content.fit)
    assert not any(f.kind == "fit" for f in content.findings)


def test_fit_sentence_when_the_declared_discipline_fits_best(built_report, assessment):
    result = copy.deepcopy(built_report.result)
    result["profile_match"] = {
        "operational_excellence": 0.5,
        "product_leadership": 0.2,
        "customer_intimacy": 0.6,
    }
    result["better_fit"] = None
    content = _content(built_report, assessment, result)
    assert (
        "does not clearly match another value discipline better than the operational "
        "excellence you declared" in content.fit_sentence
    )


def test_a_report_built_before_v2_still_renders(built_report, assessment):
    result = copy.deepcopy(built_report.result)
    for key in ("profile_match", "better_fit", "plan_projected_index"):
        del result[key]
    for item in result["action_plan"]:
        for key in ("direction", "addresses", "kpi_direction", "practice_from", "practice_to"):
            del item[key]
    result["band"] = "aligned"  # a v1 band name stored with the old thresholds
    content = _content(built_report, assessment, result)
    assert "predates the strategy-fit comparison" in content.fit_sentence
    assert content.plan_gain is None
    assert content.band == band_for(result["alignment_index"])


def test_signed_never_shows_minus_zero():
    assert signed(-0.03) == "+0.0"
    assert signed(-0.06) == "-0.1"
    assert signed(1.25) == "+1.2"


def test_equal_positions_are_spread_evenly_and_stably():
    spread = spread_positions([0.8, 0.6, 0.8, 0.8], ["c", "x", "a", "b"], width=0.05)
    assert spread[1] == 0.6
    assert spread[2] < spread[3] < spread[0]
    assert spread[2] == pytest.approx(0.75)
    assert spread[0] == pytest.approx(0.85)
