"""The report journey in a real browser: close the cycle, watch "building" turn into the report
while a real Celery worker builds it, download the PDF, and mark an action done."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assessment
from reports.models import Report
from tests.accounts.factories import PASSWORD
from tests.e2e.journey import log_in, shot
from tests.scenarios import answered_assessment
from tests.worker import running_worker, worker_env

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EMAIL = "owner@bakery.example"


def test_close_cycle_watch_the_report_build_and_download_the_pdf(
    page, live_server, default_bank, artifacts_dir
):
    from alignment_site.celery import app as celery_app
    from alignment_site.celery import ensure_broker_folders

    env = worker_env()  # skips when the worker could not see the test database
    ensure_broker_folders()
    celery_app.control.purge()
    assessment = answered_assessment(default_bank, status=Assessment.Status.OPEN)
    base = live_server.url
    page.set_default_timeout(15_000)
    log_in(page, base, EMAIL, PASSWORD)

    # Close the cycle the way the owner does; the build is queued, no worker runs yet.
    page.goto(f"{base}{assessment.get_absolute_url()}")
    page.get_by_role("link", name="Close the cycle…").click()
    page.get_by_role("button", name="Close the cycle and build the report").click()
    expect(page.get_by_text(re.compile(r"The cycle “.+” is closed\."))).to_be_visible()
    assert Report.objects.get(assessment=assessment).status == Report.Status.QUEUED

    page.goto(f"{base}{reverse('reports:report', args=[assessment.pk])}")
    status = page.locator("#report-status")
    expect(status).to_contain_text("Report queued")
    expect(status).to_contain_text("This page updates itself")
    expect(page.get_by_role("heading", name="Executive summary")).to_have_count(0)
    shot(page, artifacts_dir, "report-01-queued")

    # A worker starts; the page turns into the report by itself (no reload).
    page.evaluate("window.__sameDocument = true")
    with running_worker(env=env, hostname="e2e", log=artifacts_dir / "worker-report-e2e.log"):
        expect(page.get_by_role("heading", name="Executive summary")).to_be_visible(timeout=90_000)
    assert page.evaluate("window.__sameDocument") is True, "the page swapped in place"
    expect(status).to_be_hidden()
    expect(page.locator(".report-figure .main-svg").first).to_be_visible()
    assert page.locator(".report-figure.js-plotly-plot").count() == 6
    report = Report.objects.get(assessment=assessment)
    assert report.status == Report.Status.READY
    expect(page.locator(".index-value")).to_contain_text(f"{report.alignment_index:.0f}")
    expect(page.locator("#fit .fit-sentence")).to_contain_text(
        "operational excellence you declared"
    )
    shot(page, artifacts_dir, "report-02-ready")

    # Download the PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    path = download.value.path()
    assert path.read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename == "resonance-crumb-co-2026-q4.pdf"

    # Mark the first action done inline; the projected index moves.
    first = page.locator("tr.action-row").first
    first.get_by_role("link", name="Edit").click()
    editing = page.locator("tr.action-row.editing")
    editing.get_by_label("Status").select_option("done")
    editing.get_by_label("Assigned to").fill("Mia")
    editing.get_by_role("button", name="Save").click()
    expect(page.locator("tr.action-row").first).to_contain_text("Done")
    expect(page.locator("tr.action-row").first).to_contain_text("Mia")
    expect(page.locator("#projection")).to_contain_text("once the 1 action marked done")
    shot(page, artifacts_dir, "report-03-action-done", full_page=False)
