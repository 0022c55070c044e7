"""The pulse journey in a real browser: the owner turns monthly pulses on, beat opens one, three
staff answer it on their phones through their links, and the owner sees the pulse on the trend."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from organizations.models import Level
from pulses.models import Pulse
from pulses.tasks import pulses_open_due_task
from tests.accounts.factories import PASSWORD
from tests.assessments.factories import InvitationFactory
from tests.e2e.journey import answer_step, log_in, shot
from tests.e2e.test_csp import RECORD_VIOLATIONS
from tests.scenarios import scored_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
STAFF = ("sam@crumb.example", "ana@crumb.example", "li@crumb.example")


def test_three_staff_answer_a_pulse_and_the_owner_sees_it_on_the_trend(
    browser,
    live_server,
    organization,
    owner,
    default_bank,
    no_pdf,
    media_root,
    settings,
    artifacts_dir,
):
    base = live_server.url
    settings.SITE_URL = base  # the links in the pulse mails point at this server
    cycle = scored_cycle(organization, default_bank, label="2026-Q3", days_ago=20)
    for email in STAFF:
        InvitationFactory(assessment=cycle, email=email, level=Level.STAFF)

    # The owner switches pulses to monthly on the settings page.
    owner_page = browser.new_page()
    owner_page.set_default_timeout(10_000)
    owner_page.add_init_script(RECORD_VIOLATIONS)  # the strict CSP must hold on every page
    log_in(owner_page, base, owner.email, PASSWORD)
    owner_page.goto(f"{base}/app/organizations/{organization.pk}/settings/")
    owner_page.get_by_label("Monthly").check()
    owner_page.get_by_role("button", name="Save the pulse cadence").click()
    expect(owner_page.get_by_text("The pulse cadence is saved.")).to_be_visible()
    expect(owner_page.get_by_label("Monthly")).to_be_checked()
    shot(owner_page, artifacts_dir, "pulse-01-owner-settings")

    # Beat's task opens the pulse (run here as the worker would) and mails everyone a link.
    mail.outbox.clear()
    opened = pulses_open_due_task()
    assert len(opened) == 1
    assert pulses_open_due_task() == []  # a second beat opens nothing more
    links = {
        message.to[0]: re.search(r"http\S+/pulse/\S+/", message.body).group(0)
        for message in mail.outbox
    }
    assert set(links) == {owner.email, *STAFF}

    # Three staff answer on a phone-sized screen.
    for n, email in enumerate(STAFF):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(links[email])
        expect(page.get_by_role("heading", name="How are things today?")).to_be_visible()
        answer_step(page, ["2", "3", "dk", "4"] if n else ["1", "2"])
        assert page.evaluate("window.__csp") == []
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], f"the pulse page scrolls sideways at 390 px ({wide} px)"
        if n == 0:
            shot(page, artifacts_dir, "pulse-02-staff-phone")
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
        page.goto(links[email])  # the link is used up now
        expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
        if n == 0:
            shot(page, artifacts_dir, "pulse-03-link-used", full_page=False)
        context.close()

    pulse = Pulse.objects.get(pk=opened[0])
    assert (pulse.respondents, pulse.others) == (3, 3)
    assert pulse.result is not None

    # The owner sees the pulse as the newest point of the area trend.
    owner_page.goto(f"{base}/app/organizations/{organization.pk}/")
    table = owner_page.get_by_test_id("area-trend-table")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("2026-Q3")
    expect(table.locator("thead")).to_contain_text(re.compile(r"Pulse \d{4}-\d\d-\d\d \(open\)"))
    expect(owner_page.locator("[data-figure='fig-area-trend'] .main-svg").first).to_be_visible()
    assert owner_page.evaluate("window.__csp") == []
    owner_page.locator("#pulse-trend").scroll_into_view_if_needed()
    shot(owner_page, artifacts_dir, "pulse-04-owner-trend")
    owner_page.goto(f"{base}/app/pulses/{pulse.pk}/")
    expect(owner_page.get_by_test_id("pulse-areas")).to_be_visible()
    shot(owner_page, artifacts_dir, "pulse-05-pulse-results")
    owner_page.get_by_role("link", name="All pulses and the trend").click()
    expect(owner_page.get_by_role("heading", name="All pulses")).to_be_visible()
    expect(owner_page.get_by_text("A pulse opens every month.")).to_be_visible()
    expect(owner_page.get_by_text("3 of 4 answered")).to_be_visible()
    shot(owner_page, artifacts_dir, "pulse-06-pulse-list")
