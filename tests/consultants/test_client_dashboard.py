"""The client dashboard: who sees it, the latest charts, trends, comparisons, the plan."""

import json
import re

import pytest
from django.urls import reverse

from banks.models import Area, Question
from banks.services import bank_draft_from, bank_publish
from reports.models import ActionItem
from reports.numbers import points
from tests.accounts.factories import UserFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.scenarios import scored_cycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_pdf")]


@pytest.fixture
def two_cycles(organization, default_bank):
    """Two cycles on the same bank version; the second scores better on operations."""
    first = scored_cycle(organization, default_bank, label="2026-Q1", days_ago=200, seed=1)
    second = scored_cycle(
        organization, default_bank, label="2026-Q3", days_ago=20, seed=1, lift=0.8
    )
    return first, second


def _grant(organization, email, *, revoked=False):
    grant = ConsultantAccessFactory(
        organization=organization, consultant__email=email, revoked=revoked
    )
    return grant.consultant


def _url(organization, **query):
    url = reverse("clients:dashboard", kwargs={"pk": organization.pk})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_member_and_granted_consultant_see_the_dashboard(client, organization, two_cycles):
    manager = UserFactory(email="manager@crumb.example")
    MembershipFactory(user=manager, organization=organization, role="manager")
    consultant = _grant(organization, "advisor@consult.example")
    for user in (organization.memberships.get(role="owner").user, manager, consultant):
        client.force_login(user)
        response = client.get(_url(organization))
        assert response.status_code == 200, user.email
        assert "Trends across cycles" in response.content.decode()


def test_outsider_and_revoked_consultant_get_404(client, organization, two_cycles):
    outsider = MembershipFactory(user__email="nosy@other.example").user
    revoked = _grant(organization, "former@consult.example", revoked=True)
    pending = ConsultantAccessFactory(
        organization=organization, consultant__email="pending@consult.example", pending=True
    ).consultant
    for user in (outsider, revoked, pending):
        client.force_login(user)
        assert client.get(_url(organization)).status_code == 404, user.email
        export = reverse("clients:actions_export", kwargs={"pk": organization.pk, "fmt": "csv"})
        assert client.get(export).status_code == 404, user.email


def test_anonymous_visitor_is_sent_to_log_in(client, organization):
    response = client.get(_url(organization))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_dashboard_without_reports_says_so(client, organization, owner):
    client.force_login(owner)
    html = client.get(_url(organization)).content.decode()
    assert "No cycle of Crumb &amp; Co has a finished report yet" in html


def _data_block(html: str, block_id: str) -> dict:
    match = re.search(
        rf'<script id="{block_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no data block {block_id}"
    return json.loads(match.group(1))


def test_latest_charts_and_trend_are_data_blocks_without_inline_script(
    client, organization, owner, two_cycles
):
    first, second = two_cycles
    client.force_login(owner)
    html = client.get(_url(organization)).content.decode()
    for name in ("radar", "fit", "areas", "trend"):
        assert f'data-figure="fig-{name}"' in html
    # Every <script> is either a static file or a JSON data block.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    trend = _data_block(html, "fig-trend")
    index_line = trend["data"][0]
    assert index_line["name"] == "Alignment index"
    assert index_line["x"] == ["2026-Q1", "2026-Q3"]
    expected = [first.report.alignment_index, second.report.alignment_index]
    assert index_line["y"] == pytest.approx(expected)
    names = [trace["name"] for trace in trend["data"][1:]]
    assert len(names) == 4  # one line per dimension of the default bank
    operational = next(t for t in trend["data"] if t["name"] == "Operational alignment")
    assert operational["y"] == pytest.approx(
        [
            first.report.dimension_scores["operational"]["score"],
            second.report.dimension_scores["operational"]["score"],
        ]
    )


def test_comparison_shows_moves_flags_and_band(client, organization, owner, default_bank):
    # The first cycle buys premium inputs on a low-cost strategy; the second stopped.
    first = scored_cycle(
        organization,
        default_bank,
        label="2026-Q1",
        days_ago=200,
        overrides={"financial.costs.premium_inputs": 5},
    )
    second = scored_cycle(
        organization,
        default_bank,
        label="2026-Q3",
        days_ago=10,
        lift=1.0,
        overrides={"financial.costs.premium_inputs": 1},
    )
    old_rules = {f["rule"] for f in first.report.result["consistency_flags"]}
    new_rules = {f["rule"] for f in second.report.result["consistency_flags"]}
    assert "cost-strategy-premium-inputs" in old_rules - new_rules
    client.force_login(owner)
    response = client.get(_url(organization, a=second.pk, b=first.pk))  # order does not matter
    comparison = response.context["comparison"]
    assert comparison.before.label == "2026-Q1"
    assert comparison.after.label == "2026-Q3"
    assert comparison.index_delta == points(second.report.alignment_index) - points(
        first.report.alignment_index
    )
    assert "cost-strategy-premium-inputs" in {f.rule for f in comparison.cleared}
    assert {f.rule for f in comparison.appeared} == new_rules - old_rules
    html = response.content.decode()
    section = html[html.index('data-testid="comparison"') :]
    delta = comparison.index_delta
    assert f"<strong>+{delta}</strong> points" in section
    assert "Contradictions that cleared" in section
    # Areas: the biggest mover first, with its signed change in whole points.
    old_areas = {
        c: a["score"]
        for d in first.report.result["dimensions"].values()
        for c, a in d["areas"].items()
    }
    new_areas = {
        c: a["score"]
        for d in second.report.result["dimensions"].values()
        for c, a in d["areas"].items()
    }
    biggest = max(new_areas, key=lambda c: abs(new_areas[c] - old_areas[c]))
    assert comparison.moved_areas[0].code == biggest
    assert comparison.same_version
    assert 'data-testid="version-note"' not in html


def test_same_cycle_twice_is_refused_beside_the_field(client, organization, owner, two_cycles):
    first, _second = two_cycles
    client.force_login(owner)
    response = client.get(_url(organization, a=first.pk, b=first.pk))
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert "Pick two different cycles." in response.content.decode()
    response = client.get(_url(organization, a=first.pk, b="999999"))
    assert response.status_code == 200
    assert "Pick one of this client&#x27;s scored cycles." in response.content.decode()


def test_a_cycle_of_another_organization_cannot_be_compared(
    client, organization, owner, two_cycles, default_bank
):
    other = OrganizationFactory(name="Secret Bakery")
    foreign = scored_cycle(other, default_bank, label="X-1", days_ago=5)
    client.force_login(owner)
    response = client.get(_url(organization, a=two_cycles[0].pk, b=foreign.pk))
    assert response.context["comparison"] is None
    assert "Secret Bakery" not in response.content.decode()
    assert "X-1" not in response.content.decode()


def _second_version(default_bank):
    """Publish v2: one question renamed (with lineage), one dropped, one new area."""
    draft = bank_draft_from(bank_row=default_bank)
    renamed = Question.objects.get(area__dimension__bank=draft, code="market.customers.segments")
    renamed.code = "market.customers.segmentation"  # `continues` still names the old code
    renamed.save()
    Question.objects.get(area__dimension__bank=draft, code="market.customers.lost").delete()
    operational = draft.dimensions.get(code="operational")
    area = Area.objects.create(
        dimension=operational, code="operational.sustainability", title="Sustainability", position=9
    )
    template = Question.objects.filter(area__dimension__bank=draft).first()
    for n in range(3):
        template.pk = None
        template.area = area
        template.code = f"operational.sustainability.q{n}"
        template.continues = ""
        template.position = n
        template.save()
    return bank_publish(bank_row=draft)


def test_cycles_on_two_bank_versions_compare_only_what_both_share(
    client, organization, owner, default_bank
):
    first = scored_cycle(organization, default_bank, label="2026-Q1", days_ago=200)
    v2 = _second_version(default_bank)
    assert v2.version == default_bank.version + 1
    second = scored_cycle(organization, v2, label="2026-Q3", days_ago=10, lift=0.5)
    client.force_login(owner)
    response = client.get(_url(organization))
    html = response.content.decode()
    assert 'data-testid="versions-note"' in html
    assert f"versions {default_bank.version}, {v2.version}" in html
    comparison = response.context["comparison"]
    assert not comparison.same_version
    assert comparison.renamed == 1  # segments → segmentation matched through its lineage
    left_out = " | ".join(comparison.left_out)
    assert f"area “Sustainability” (only in 2026-Q3, bank v{v2.version})" in left_out
    assert (
        f"question market.customers.lost (only in 2026-Q1, bank v{default_bank.version})"
        in left_out
    )
    assert "segments" not in left_out
    assert "segmentation" not in left_out
    assert "operational.sustainability" not in {m.code for m in comparison.areas}
    assert "Only what both versions share is compared" in html
    assert "matched through its lineage" in html
    note = html[html.index('data-testid="left-out"') :]
    assert "Sustainability" in note
    assert "market.customers.lost" in note
    # The trend keeps every dimension: both versions have the same four.
    trend = response.context["trends"]
    assert [code for code, _ in trend.dimensions] == [
        "market",
        "operational",
        "financial",
        "organizational",
    ]
    assert trend.left_out == []
    assert first.bank_id != second.bank_id


def test_plan_shows_notes_and_edit_returns_to_the_dashboard(
    client, organization, owner, two_cycles
):
    _first, second = two_cycles
    item = second.action_items.order_by("position").first()
    consultant = _grant(organization, "advisor@consult.example")
    client.force_login(consultant)
    dashboard = _url(organization) + "#plan"
    edit = reverse("reports:action_edit", args=[item.pk])
    page = client.get(edit, {"next": dashboard})
    assert page.status_code == 200
    assert "Consultant&#x27;s note" in page.content.decode()
    response = client.post(
        edit,
        {
            "assignee": "Mia (baker)",
            "due": item.due.isoformat(),
            "status": ActionItem.Status.IN_PROGRESS,
            "progress_note": "Started the weekly check.",
            "consultant_note": "  Compare with the March figures first.  ",
            "next": dashboard,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == dashboard
    item.refresh_from_db()
    assert item.consultant_note == "Compare with the March figures first."
    assert item.status == ActionItem.Status.IN_PROGRESS
    html = client.get(_url(organization)).content.decode()
    plan = html[html.index('id="plan"') :]
    assert "Compare with the March figures first." in plan
    assert "Started the weekly check." in plan
    assert "Mia (baker)" in plan
    # The report page shows the consultant's note too.
    report = client.get(reverse("reports:report", args=[second.pk])).content.decode()
    assert "Compare with the March figures first." in report


def test_edit_refuses_a_next_url_on_another_site(client, organization, owner, two_cycles):
    item = two_cycles[1].action_items.first()
    client.force_login(owner)
    response = client.post(
        reverse("reports:action_edit", args=[item.pk]),
        {
            "assignee": "",
            "due": item.due.isoformat(),
            "status": "todo",
            "progress_note": "",
            "consultant_note": "",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_manager_sees_the_plan_but_no_edit_button(client, organization, two_cycles):
    manager = UserFactory(email="manager@crumb.example")
    MembershipFactory(user=manager, organization=organization, role="manager")
    client.force_login(manager)
    html = client.get(_url(organization)).content.decode()
    assert 'id="plan"' in html
    assert ">Edit</a>" not in html


def test_dashboard_query_count_is_bounded(
    client, organization, owner, two_cycles, django_assert_max_num_queries
):
    client.force_login(owner)
    with django_assert_max_num_queries(25):
        assert client.get(_url(organization)).status_code == 200
