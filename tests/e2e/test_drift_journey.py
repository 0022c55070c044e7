"""Drift alerts in a real browser: the owner sets where alerts go, the consultant sees drift.

The daily run is the beat task's work, run here in the test; the owner then finds what drifted
on the alerts page, saves a Teams webhook (a plain-http address is refused beside the field and
the stored one is shown masked), and the consultant's portfolio counts and filters the drift.
"""

import pytest
from playwright.sync_api import expect

from alerts.models import AlertSettings
from alerts.services import drift_daily_run
from tests.accounts.factories import PASSWORD, UserFactory
from tests.alerts.test_drift import _client
from tests.e2e.journey import log_in, shot
from tests.scenarios import Cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEAMS = "https://contoso.webhook.office.com/webhookb2/abc/IncomingWebhook/123/secretpart42"


def test_owner_sets_alerts_and_consultant_sees_drift(
    page, browser, live_server, default_bank, artifacts_dir, monkeypatch
):
    monkeypatch.setattr("alerts.services._queue", lambda name, pk: None)  # no worker here
    page.set_default_timeout(15_000)
    consultant = UserFactory(email="adviser@advice.example")
    drifting = _client(default_bank, consultant)
    _client(
        default_bank,
        consultant,
        name="Calm Studio",
        owner_email="owner@calm.example",
        cycles=[Cycle("C1", closed_days_ago=20, index=70, items=[("todo", 30)])],
    )
    drift_daily_run()

    log_in(page, live_server.url, "owner@crumb.example", PASSWORD)
    page.goto(f"{live_server.url}/app/organizations/{drifting.pk}/")
    page.get_by_role("link", name="Alerts").click()
    events = page.get_by_test_id("drift-events")
    expect(events.locator("li")).to_have_count(3)
    expect(events).to_contain_text("time to reassess")
    field = page.get_by_label("Slack or Microsoft Teams incoming webhook")
    field.fill("http://contoso.webhook.office.com/webhookb2/abc")
    page.get_by_role("button", name="Save alert settings").click()
    expect(page.get_by_text("must start with https://")).to_be_visible()
    page.get_by_label("Slack or Microsoft Teams incoming webhook").fill(TEAMS)
    page.get_by_role("button", name="Save alert settings").click()
    expect(page.get_by_text("The alert settings are saved.")).to_be_visible()
    expect(page.get_by_text("Now posting to https://contoso.webhook.office.com/")).to_be_visible()
    assert "secretpart42" not in page.content()
    assert AlertSettings.objects.get(organization=drifting).webhook_url == TEAMS
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, artifacts_dir, "drift-alerts-owner-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    adviser = context.new_page()
    adviser.set_default_timeout(15_000)
    log_in(adviser, live_server.url, "adviser@advice.example", PASSWORD)
    adviser.goto(f"{live_server.url}/app/portfolio/")
    row = adviser.locator(f'tr[data-client="{drifting.pk}"]')
    expect(row.locator('[data-col="drift"]')).to_have_text("3")
    adviser.get_by_label("Drift (30 days)").select_option("yes")
    adviser.get_by_role("button", name="Apply").click()
    expect(adviser.locator("tr[data-client]")).to_have_count(1)
    shot(adviser, artifacts_dir, "drift-portfolio-1280")
    context.close()
