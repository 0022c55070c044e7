"""Report pages: who sees what, the polling fragment, the PDF download, editing the plan."""

import re

import pytest
from django.urls import reverse

from reports.models import ActionItem, Report
from reports.services import report_request
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory
from tests.scenarios import consultant_for, owner_of

pytestmark = pytest.mark.django_db


def _urls(report: Report) -> dict[str, tuple[str, str]]:
    pk = report.assessment_id
    item = report.assessment.action_items.first()
    return {
        "report": ("get", reverse("reports:report", args=[pk])),
        "status": ("get", reverse("reports:status", args=[pk])),
        "pdf": ("get", reverse("reports:pdf", args=[pk])),
        "rebuild": ("post", reverse("reports:rebuild", args=[pk])),
        "action_row": ("get", reverse("reports:action_row", args=[item.pk])),
        "action_edit": ("get", reverse("reports:action_edit", args=[item.pk])),
        "action_save": ("post", reverse("reports:action_edit", args=[item.pk])),
    }


def test_every_report_url_is_404_for_an_outsider(client, built_report):
    outsider = UserFactory(email="nosy@elsewhere.example")
    MembershipFactory(user=outsider)  # a member of some other organization
    client.force_login(outsider)
    for name, (method, url) in _urls(built_report).items():
        response = getattr(client, method)(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 404, name


def test_every_report_url_sends_anonymous_people_to_log_in(client, built_report):
    for name, (method, url) in _urls(built_report).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"]


def test_revoked_consultant_gets_404(client, built_report):
    client.force_login(consultant_for(built_report.assessment, revoked=True))
    for name, (method, url) in _urls(built_report).items():
        assert getattr(client, method)(url).status_code == 404, name


def test_manager_reads_the_report_but_may_not_change_it(client, built_report):
    manager = UserFactory(email="mia@bakery.example")
    MembershipFactory(
        user=manager, organization=built_report.assessment.organization, role="manager"
    )
    client.force_login(manager)
    urls = _urls(built_report)
    page = client.get(urls["report"][1])
    assert page.status_code == 200
    assert b"Rebuild report" not in page.content
    assert b">Edit</a>" not in page.content
    assert client.get(urls["pdf"][1]).status_code == 200
    assert client.post(urls["rebuild"][1]).status_code == 403
    assert client.get(urls["action_edit"][1]).status_code == 403


def test_report_page_shows_every_section(client, built_report, django_assert_max_num_queries):
    client.force_login(owner_of(built_report.assessment))
    with django_assert_max_num_queries(25):
        response = client.get(reverse("reports:report", args=[built_report.assessment_id]))
    html = response.content.decode()
    for text in (
        "Executive summary",
        "Three findings to read first",
        "Projected index",
        "Where practice meets the strategy",
        "Which strategy do your operations serve?",
        "How owner and team see the business",
        "Impact against feasibility",
        "Contradictions and pitfalls",
        "SMART action plan",
        "Appendix: how the numbers are made",
        "Download PDF",
        "Rebuild report",
    ):
        assert text in html, text
    for name in ("radar", "areas", "perception", "matrix", "fit", "gantt"):
        assert f'data-figure="fig-{name}"' in html, name
        assert f'<script id="fig-{name}" type="application/json">' in html, name


def test_report_page_runs_no_inline_script_and_loads_nothing_from_a_cdn(client, built_report):
    client.force_login(owner_of(built_report.assessment))
    html = client.get(reverse("reports:report", args=[built_report.assessment_id])).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="application/json"' in tag or "src=" in tag, tag
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert "/static/plotly/plotly.min.js" in sources
    assert "/static/js/report.js" in sources
    # Static files, and the site's own JavaScript catalog of translated strings.
    catalog = reverse("javascript-catalog")
    assert all(src.startswith(("/static/", catalog)) for src in sources)
    assert "cdn" not in html.lower()


def test_plotly_js_is_served_from_the_plotly_package(client):
    response = client.get("/static/plotly/plotly.min.js")
    assert response.status_code == 200
    assert b"plotly" in b"".join(response.streaming_content)[:2000].lower()


def test_consultant_may_rebuild_which_queues_a_build(
    client, built_report, django_capture_on_commit_callbacks, monkeypatch
):
    from reports import tasks

    sent = []
    monkeypatch.setattr(
        tasks.report_build_task, "apply_async", lambda args, **options: sent.extend(args)
    )
    client.force_login(consultant_for(built_report.assessment))
    url = reverse("reports:rebuild", args=[built_report.assessment_id])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert sent == [built_report.pk]
    # The status panel says what is happening; no flash message that would go stale.
    assert "being rebuilt" not in response.content.decode()
    assert "Report queued" in response.content.decode()
    assert "Below is the previous version" in response.content.decode()


def test_polling_returns_the_banner_while_building_then_the_whole_report(
    client, built_report, django_assert_max_num_queries
):
    report_request(assessment=built_report.assessment, enqueue=False)
    client.force_login(owner_of(built_report.assessment))
    url = reverse("reports:status", args=[built_report.assessment_id])
    with django_assert_max_num_queries(8):
        building = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in building.content.decode()
    assert "HX-Retarget" not in building.headers
    Report.objects.filter(pk=built_report.pk).update(status=Report.Status.READY)
    ready = client.get(url, HTTP_HX_REQUEST="true")
    assert ready.headers["HX-Retarget"] == "#report-body"
    assert ready.headers["HX-Reswap"] == "outerHTML"
    body = ready.content.decode()
    assert body.startswith('<div id="report-body"')
    assert "every 2s" not in body
    assert "Executive summary" in body


def test_a_stalled_build_says_so(client, built_report):
    from datetime import timedelta

    from django.utils import timezone

    Report.objects.filter(pk=built_report.pk).update(
        status=Report.Status.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )
    client.force_login(owner_of(built_report.assessment))
    html = client.get(reverse("reports:report", args=[built_report.assessment_id])).content.decode()
    assert "taking much longer than it should" in html


def test_failed_report_shows_its_error_and_the_last_good_version(client, built_report):
    Report.objects.filter(pk=built_report.pk).update(
        status=Report.Status.FAILED, error="Rendering the PDF failed: out of paper"
    )
    client.force_login(owner_of(built_report.assessment))
    html = client.get(reverse("reports:report", args=[built_report.assessment_id])).content.decode()
    assert "The report could not be built." in html
    assert "out of paper" in html
    assert "Below is the last report that was built successfully." in html
    assert "Executive summary" in html


def test_pdf_download(client, built_report):
    client.force_login(owner_of(built_report.assessment))
    response = client.get(reverse("reports:pdf", args=[built_report.assessment_id]))
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="resonance-crumb-co-2026-q4.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_no_pdf_yet_is_404(client, assessment):
    report_request(assessment=assessment, enqueue=False)
    client.force_login(owner_of(assessment))
    assert client.get(reverse("reports:pdf", args=[assessment.pk])).status_code == 404


def test_open_cycle_has_no_report_yet(client, default_bank):
    from tests.scenarios import answered_assessment

    assessment = answered_assessment(default_bank, status="open")
    client.force_login(owner_of(assessment))
    html = client.get(reverse("reports:report", args=[assessment.pk])).content.decode()
    assert "This cycle is still open" in html
    response = client.post(reverse("reports:rebuild", args=[assessment.pk]), follow=True)
    assert "Close the cycle first" in response.content.decode()
    assert not Report.objects.filter(assessment=assessment).exists()


def test_owner_edits_an_action_inline(client, built_report):
    client.force_login(owner_of(built_report.assessment))
    item = built_report.assessment.action_items.order_by("position").first()
    url = reverse("reports:action_edit", args=[item.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="assignee"' in form
    assert 'name="due"' in form
    response = client.post(
        url,
        {"assignee": "Mia", "due": item.due.isoformat(), "status": "done", "progress_note": "Live"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    item.refresh_from_db()
    assert (item.assignee, item.status, item.progress_note) == ("Mia", "done", "Live")
    assert item.completed_at is not None
    assert f'id="action-{item.pk}"' in html
    assert 'id="projection" class="projection" hx-swap-oob="true"' in html
    assert 'id="timeline" hx-swap-oob="true"' in html
    assert "once the 1 action marked done reaches its target" in " ".join(html.split())


def test_invalid_edit_says_why_beside_the_field_and_changes_nothing(client, built_report):
    client.force_login(owner_of(built_report.assessment))
    item = built_report.assessment.action_items.order_by("position").first()
    url = reverse("reports:action_edit", args=[item.pk])
    response = client.post(
        url,
        {"assignee": "Mia", "due": "2001-01-01", "status": "finished", "progress_note": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The due date can&#x27;t be before the action starts" in html
    assert "Select a valid choice" in html
    assert 'id="action-' in html
    assert "<form" in html
    item.refresh_from_db()
    assert (item.assignee, item.status) == ("", ActionItem.Status.TODO)


def test_edit_without_javascript_uses_a_page_and_redirects_back(client, built_report):
    client.force_login(owner_of(built_report.assessment))
    item = built_report.assessment.action_items.order_by("position").first()
    url = reverse("reports:action_edit", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "<h1" in page.content.decode()
    response = client.post(
        url,
        {"assignee": "", "due": item.due.isoformat(), "status": "in_progress", "progress_note": ""},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/report/#action-{item.pk}")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.IN_PROGRESS
