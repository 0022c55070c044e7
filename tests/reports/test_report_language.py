"""The report's numbers, dates and chart words follow the active language (issue #18).

Every number and date is written the way the active language writes it: German uses a decimal
comma and puts a (no-break) space before "%".
"""

import base64

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from banks.services import bank_to_engine
from reports import charts, print_charts
from reports.content import report_content, signed
from reports.numbers import decimal_text, percent_text, short_number
from reports.templatetags.report_numbers import share_percent

pytestmark = pytest.mark.django_db


def test_numbers_are_written_as_the_active_language_writes_them():
    with translation.override("en-gb"):
        assert (decimal_text(3.45, 1), percent_text(72.4), short_number(2.5)) == (
            "3.5",
            "72%",
            "2.5",
        )
        assert signed(-0.06) == "-0.1"
        assert share_percent(0.725) == "73%"
    with translation.override("de"):
        assert (decimal_text(3.45, 1), percent_text(72.4), short_number(2.5)) == (
            "3,5",
            "72\xa0%",
            "2,5",
        )
        assert signed(1.25) == "+1,2"
        assert percent_text(72.45, 1) == "72,5\xa0%"


def _content(report):
    assessment = report.assessment
    return report_content(
        assessment=assessment,
        result=report.result,
        perception=report.perception,
        plan=list(assessment.action_items.order_by("position")),
        bank=bank_to_engine(assessment.bank),
    )


def test_a_german_report_writes_decimal_commas_in_text_charts_and_tables(built_report):
    with translation.override("de"):
        content = _content(built_report)
        areas = charts.area_gap_figure(content)
        labels = [t for t in areas["data"][0]["text"] if t[0] in "+-"]
        assert labels
        assert all("," in t and "." not in t for t in labels)
        assert areas["layout"]["separators"].startswith(",")
        svg = base64.b64decode(print_charts.area_gap_svg(content).split(",", 1)[1]).decode()
        assert ",5</text>" in svg or ",0</text>" in svg
        html = render_to_string(
            "reports/_dimensions.html", {"content": content, "figures": {}, "print": True}
        )
        assert "\xa0%</td>" in html
        assert "Die Zahl" in html
        assert "The number under each dimension name" not in html
    with translation.override("en-gb"):
        html = render_to_string(
            "reports/_dimensions.html",
            {"content": _content(built_report), "figures": {}, "print": True},
        )
        assert "%</td>" in html
        assert "\xa0%</td>" not in html


def test_the_printed_report_and_its_charts_render_in_german(built_report):
    from reports.pdf import report_pdf_html

    with translation.override("de"):
        html = report_pdf_html(_content(built_report))
    assert '<html lang="de">' in html
    assert "\xa0%</td>" in html
