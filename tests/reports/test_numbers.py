"""One aggregation and one rounding rule: the chart and the table agree, and every change is the
difference of the values shown beside it, on the page, in the PDF and in the exports."""

import base64
import csv
import io
import re

import pytest
from django.urls import reverse

from banks.services import bank_to_engine
from consultants.selectors.client_dashboard import cycles_compare
from organizations.models import Level
from reports import charts, print_charts
from reports.content import report_content
from reports.numbers import area_views, points, points_change, scale_mean, signed_points
from tests.accounts.factories import UserFactory
from tests.scenarios import Cycle, answered_assessment, client_build, report_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant(db):
    return UserFactory(email="ada@advice.example")


def test_halves_round_up_like_the_templates_and_changes_use_shown_values():
    assert points(72.5) == 73  # Python's round() says 72; floatformat:0 says 73
    assert points(None) is None
    assert scale_mean(1.25) == 1.3
    assert points_change(77.6, 82.4) == 4  # shown "78 → 82": +4, not the unrounded +4.8 → +5
    assert points_change(65.6, 65.4) == -1  # shown "66 → 65": −1, not ±0
    assert [signed_points(c) for c in (4, -1, 0, None)] == ["+4", "−1", "±0", "–"]


def test_area_views_take_the_questions_both_sides_answered():
    views = area_views([(4, 2, None), (5, None, 1), (None, 3, 3), (2, 1, 3)])
    # Shared questions: the first, second and fourth; the team is the mean of level means.
    assert views.owner == pytest.approx((4 + 5 + 2) / 3)
    assert views.team == pytest.approx((2 + 1 + 2) / 3)


@pytest.fixture
def pooled(default_bank, no_pdf):
    """Return a built report whose one manager and three staff are shown together."""
    assessment = answered_assessment(
        default_bank, levels={Level.OWNER: 1, Level.MANAGER: 1, Level.STAFF: 3}, seed=11
    )
    return report_ready(assessment)


def _content(report):
    assessment = report.assessment
    return report_content(
        assessment=assessment,
        result=report.result,
        perception=report.perception,
        plan=list(assessment.action_items.order_by("position")),
        bank=bank_to_engine(assessment.bank),
    )


def test_the_heatmap_and_the_gap_table_give_the_same_team_value(pooled):
    content = _content(pooled)
    groups = [g["label"] for g in content.perception["groups"]]
    assert groups == ["Owner", "Managers and staff"]
    assert content.gaps  # the fixture has owner and team answers in every area
    by_title = {area["title"]: area["values"] for area in content.perception["areas"]}
    figure = charts.perception_figure(content)
    shown_in_chart = dict(
        zip(figure["data"][0]["y"], figure["data"][0]["text"], strict=True)
    )  # the web chart's cell labels, per area
    uri = print_charts.perception_svg(content)
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    for gap in content.gaps:
        owner, team = by_title[gap.area_title]
        assert scale_mean(owner) == gap.owner
        assert scale_mean(team) == gap.others
        assert shown_in_chart[gap.area_title] == [f"{gap.owner:.1f}", f"{gap.others:.1f}"]
        assert f">{gap.others:.1f}</text>" in svg
        assert gap.gap == pytest.approx(round(gap.owner - gap.others, 1))


def test_the_report_page_and_pdf_table_agree_with_the_chart(pooled, client):
    from tests.scenarios import owner_of

    client.force_login(owner_of(pooled.assessment))
    page = client.get(reverse("reports:report", args=[pooled.assessment.pk])).content.decode()
    page = page[page.index("<h3>Perception gaps</h3>") :]
    content = _content(pooled)
    for gap in content.gaps:
        row = re.search(
            re.escape(gap.area_title)
            + r".*?</th>\s*<td[^>]*>([\d.]+)</td>\s*<td[^>]*>([\d.]+)</td>",
            page,
            re.S,
        )
        assert row is not None, gap.area_title
        assert (float(row[1]), float(row[2])) == (gap.owner, gap.others)


def test_compared_cycles_read_as_the_difference_of_the_shown_values(
    client, default_bank, consultant
):
    organization = client_build(
        bank=default_bank,
        consultant=consultant,
        name="Crumb & Co",
        cycles=[Cycle("2026-Q1", 200, index=77.6), Cycle("2026-Q3", 20, index=82.4)],
    )
    cycles = organization.assessments.order_by("created_at")
    comparison = cycles_compare(
        organization=organization, before_id=cycles[0].pk, after_id=cycles[1].pk
    )
    assert comparison.index_delta_label == "+4"
    client.force_login(consultant)
    page = client.get(reverse("clients:dashboard", args=[organization.pk])).content.decode()
    assert re.search(
        r"78 \(2026-Q1\) →\s*<strong>82</strong> \(2026-Q3\):\s*<strong>\+4</strong>", page
    )
    moves = {m.code: m for m in comparison.dimensions}
    for move in moves.values():
        assert move.delta_label == signed_points(points(move.after) - points(move.before))


def test_portfolio_page_and_csv_give_the_same_change(client, default_bank, consultant):
    client_build(
        bank=default_bank,
        consultant=consultant,
        name="Crumb & Co",
        cycles=[Cycle("2026-Q1", 200, index=70.4), Cycle("2026-Q3", 20, index=75.9)],
    )
    client.force_login(consultant)
    page = client.get(reverse("consultants:portfolio")).content.decode()
    assert "▲ +6<" in page  # 70 → 76
    export = client.get(reverse("consultants:portfolio_export", args=["csv"])).content.decode()
    [row] = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert row["Alignment index"] == "76"
    assert row["Change (points)"] == "6"
