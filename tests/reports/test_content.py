"""What the report says: bank order, three plain findings, the strategy-fit sentence."""

import copy
import re

import pytest

from banks.services import bank_to_engine
from reports.content import report_content, signed, spread_positions

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
    result["strategy_fit"] = {
        "operational_excellence": 61.2,
        "product_leadership": 55.0,
        "customer_intimacy": 80.4,
    }
    content = _content(built_report, assessment, result)
    assert content.fit_sentence.startswith(
        "Your operations fit customer intimacy (80) better than the operational excellence "
        "you declared (61)"
    )
    assert [row.best for row in content.fit] == [False, False, True]
    assert [row.declared for row in content.fit] == [True, False, False]


def test_fit_sentence_when_the_declared_discipline_fits_best(built_report, assessment):
    result = copy.deepcopy(built_report.result)
    result["strategy_fit"] = {
        "operational_excellence": 81.0,
        "product_leadership": 55.0,
        "customer_intimacy": 80.6,
    }
    content = _content(built_report, assessment, result)
    assert "fit the operational excellence you declared at least as well" in content.fit_sentence


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
