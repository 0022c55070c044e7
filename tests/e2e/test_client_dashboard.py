"""The consultant's dashboard in a real browser: charts draw under the strict CSP, the comparison
form works, and an action edited from the dashboard comes back with the consultant's note."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, UserFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.e2e.journey import log_in, shot
from tests.organizations.factories import MembershipFactory
from tests.scenarios import scored_cycle

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_pdf", "media_root"),
]


def test_consultant_reads_trends_compares_cycles_and_annotates_the_plan(
    page, live_server, default_bank, artifacts_dir
):
    organization = MembershipFactory(organization__name="Crumb & Co").organization
    first = scored_cycle(organization, default_bank, label="2026-Q1", days_ago=200, seed=2)
    scored_cycle(organization, default_bank, label="2026-Q2", days_ago=110, seed=2, lift=0.4)
    scored_cycle(organization, default_bank, label="2026-Q3", days_ago=20, seed=2, lift=0.8)
    consultant = UserFactory(email="advisor@consult.example")
    ConsultantAccessFactory(organization=organization, consultant=consultant)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, consultant.email, PASSWORD)
    page.goto(live_server.url + reverse("clients:dashboard", args=[organization.pk]))

    expect(page.get_by_role("heading", name="Trends across cycles")).to_be_visible()
    expect(page.locator("[data-figure='fig-trend'] .main-svg").first).to_be_visible()
    assert page.locator(".report-figure.js-plotly-plot").count() == 4  # radar, fit, areas, trend
    # Plotly's own <style> (allowed by its hash in the CSP) keeps the
    # overlay layer on top of the chart instead of spilling over the page below it.
    overlay = page.locator("[data-figure='fig-trend'] .main-svg").nth(1)
    assert overlay.evaluate("e => getComputedStyle(e).position") == "absolute"
    shot(page, artifacts_dir, "client-01-dashboard")

    page.get_by_label("From cycle").select_option(str(first.pk))
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.locator("[data-testid='comparison']")).to_contain_text("(2026-Q1)")
    expect(page.locator("[data-testid='comparison']")).to_contain_text("(2026-Q3)")

    page.locator("#plan").get_by_role("link", name="Edit").first.click()
    page.get_by_label("Consultant's note").fill("Start with the Monday delivery.")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#plan")).to_contain_text("Start with the Monday delivery.")
    assert "/app/clients/" in page.url
    shot(page, artifacts_dir, "client-02-plan")
    assert not [e for e in errors if "script-src" in e], errors
