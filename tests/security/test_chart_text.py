"""Issue #20 items 6 and 7: bank and user text in charts is text.

Plotly reads a little HTML in labels, names and hovers (a cycle named `<a href=...>` would be a
link on the consultant's trend chart); matplotlib reads `$...$` as mathematics and failed every
PDF of a bank whose area title held it.
"""

import json

import pytest
import yaml

from banks.services import bank_import, bank_to_engine
from consultants.selectors.client_dashboard import client_trends, cycles_scored
from reports.charts import gantt_figure, report_figures
from reports.content import report_content
from reports.models import Report
from scoring.bank import load_bank_yaml
from tests.conftest import DEFAULT_BANK
from tests.scenarios import answered_assessment, report_ready, scored_cycle

pytestmark = pytest.mark.django_db

LINK = '<a href="http://example.invalid/">Q</a>'
BOLD = "<b>Market</b>"
MATH = r"Costs $\notacommand$"  # short enough to reach the chart whole


@pytest.fixture
def hostile_bank(db):
    """The default bank with markup in a dimension title and mathtext in an area title."""
    data = yaml.safe_load(DEFAULT_BANK.read_text(encoding="utf-8"))
    data["bank"] = "hostile-titles"
    data["dimensions"][0]["title"] = f"{BOLD} {LINK}"
    data["dimensions"][1]["areas"][0]["title"] = MATH
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return bank_import(bank=load_bank_yaml(text, source="hostile.yaml"), publish=True)


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def _assert_no_markup(figure) -> None:
    text = json.dumps(list(_strings(figure)))
    assert "<a " not in text
    assert "<b>" not in text
    assert "&lt;a href=" in text or "&lt;b&gt;" in text


def test_bank_titles_in_the_report_charts_are_text(hostile_bank, no_pdf):
    report = report_ready(answered_assessment(hostile_bank))
    assessment = report.assessment
    content = report_content(
        assessment=assessment,
        result=report.result,
        perception=report.perception,
        plan=list(assessment.action_items.all()),
        bank=bank_to_engine(assessment.bank),
    )
    figures = report_figures(content)
    for name in ("radar", "areas"):
        _assert_no_markup(figures[name])
    items = list(assessment.action_items.all())
    items[0].title, items[0].assignee = LINK, BOLD
    _assert_no_markup(gantt_figure(items))


def test_a_report_on_a_bank_with_dollar_signs_builds_its_pdf(hostile_bank, media_root):
    report = report_ready(answered_assessment(hostile_bank))
    assert report.status == Report.Status.READY
    assert report.pdf


def test_a_cycle_name_on_the_consultants_trend_chart_is_text(hostile_bank, no_pdf):
    first = answered_assessment(hostile_bank)
    organization = first.organization
    scored_cycle(organization, hostile_bank, label=LINK, days_ago=30)
    scored_cycle(organization, hostile_bank, label="%{y} <i>later</i>", days_ago=1)
    trends = client_trends(cycles=cycles_scored(organization=organization))
    figure = trends.figure
    _assert_no_markup(figure)
    assert "<i>" not in json.dumps(figure)
    for trace in figure["data"]:
        assert BOLD not in trace.get("hovertemplate", "")
