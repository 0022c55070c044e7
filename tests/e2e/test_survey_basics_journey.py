"""The owner's survey basics in a real browser: the organization settings page (bad input
explained beside its field, the change kept in history), copying personal links, the response
rates per level and the one-click reminder; on a desktop and at 390 px."""

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Invitation
from assessments.services.cycles import assessment_start
from organizations.models import Organization
from organizations.services import strategy_save
from tests.accounts.factories import PASSWORD, UserFactory
from tests.assessments.factories import ResponseFactory
from tests.e2e.journey import log_in, shot
from tests.organizations.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_cycle(default_bank):
    owner = UserFactory(email="olivia@crumb.example")
    organization = MembershipFactory(user=owner, organization__name="Crumb & Co").organization
    strategy_save(
        organization=organization,
        target_customers="Families nearby",
        segment="budget-conscious families",
        primary_value="price",
        value_discipline="operational_excellence",
        goals="",
    )
    return assessment_start(organization=organization, user=owner, label="2026-Q4")


def _no_horizontal_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_owner_edits_settings_copies_links_and_reminds(
    browser, live_server, open_cycle, artifacts_dir, viewport
):
    base = live_server.url
    size = PHONE if viewport == "phone" else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    page.set_default_timeout(15_000)
    organization = open_cycle.organization
    log_in(page, base, "olivia@crumb.example", PASSWORD)

    # --- Settings: reached from the organization page ---------------------------------------
    page.goto(f"{base}{organization.get_absolute_url()}")
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Organization settings")).to_be_visible()
    page.get_by_label("Capacity for improvement work").fill("0")
    page.get_by_label("Reassess every").fill("3")
    page.get_by_role("button", name="Save the settings").click()
    capacity = page.locator("#id_capacity_days_per_month")
    expect(page.get_by_text("Enter at least half a person-day (0.5) a month.")).to_be_visible()
    expect(page.get_by_text("Reassess at most once a week: enter 7 days or more.")).to_be_visible()
    expect(capacity).to_have_attribute("aria-invalid", "true")
    shot(page, artifacts_dir, f"survey-settings-invalid-{viewport}")
    _no_horizontal_overflow(page)

    page.get_by_label("Capacity for improvement work").fill("6.5")
    page.get_by_label("Reassess every").fill("60")
    page.get_by_label("Name").fill("Crumb & Co Bakery")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("The settings are saved.")).to_be_visible()
    history = page.get_by_test_id("settings-history")
    expect(history).to_contain_text("Capacity (person-days a month): 8 → 6.5")
    expect(history).to_contain_text("Reassess every … days: 90 → 60")
    expect(history).to_contain_text("olivia@crumb.example")
    shot(page, artifacts_dir, f"survey-settings-saved-{viewport}")
    _no_horizontal_overflow(page)
    organization.refresh_from_db()
    assert organization.name == "Crumb & Co Bakery"
    assert Organization.history.filter(id=organization.pk).count() == 2

    # --- Invitations: each new link can be copied ------------------------------------------
    page.goto(f"{base}{open_cycle.get_absolute_url()}")
    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("Staff e-mail addresses").fill("sam@crumb.example\neve@crumb.example")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_text("2 invitations sent.")).to_be_visible()
    links = page.get_by_test_id("issued-link")
    expect(links).to_have_count(2)
    sam_link = page.get_by_label("Link for sam@crumb.example (Staff)")
    mailed = next(m for m in mail.outbox if m.to == ["sam@crumb.example"]).body
    assert sam_link.input_value() in mailed
    page.get_by_role("button", name="Copy the link for sam@crumb.example").click()
    expect(page.get_by_role("status").filter(has_text="Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == sam_link.input_value()
    shot(page, artifacts_dir, f"survey-links-{viewport}")
    _no_horizontal_overflow(page)

    # --- Response rates and the reminder -------------------------------------------------------
    eve = Invitation.objects.get(email="eve@crumb.example")
    ResponseFactory(
        assessment=open_cycle, invitation=eve, level=eve.level, submitted_at=timezone.now()
    )
    page.goto(f"{base}{open_cycle.get_absolute_url()}")
    staff = page.locator('[data-testid="response-rates"] tr[data-level="staff"]')
    expect(staff).to_contain_text("50\u00a0%")
    remind = page.get_by_test_id("remind")
    expect(remind).to_have_text("Remind the 1 person who has not answered")
    before = len(mail.outbox)
    remind.click()
    expect(page.get_by_text("1 person was reminded by e-mail.")).to_be_visible()
    assert [m.to for m in mail.outbox[before:]] == [["sam@crumb.example"]]
    expect(page.get_by_test_id("remind")).to_be_disabled()
    shot(page, artifacts_dir, f"survey-reminded-{viewport}")
    _no_horizontal_overflow(page)
    # The whole table fits its card: no column hidden behind a scroll bar.
    widths = page.evaluate(
        "[...document.querySelectorAll('.table-responsive')]"
        ".map(box => [box.scrollWidth, box.clientWidth])"
    )
    assert all(scroll <= client for scroll, client in widths), widths

    # --- The schedule: an automatic reminder and a closing date ----------------------------
    page.get_by_role("link", name="Change the schedule").click()
    page.get_by_label("Remind those who have not answered after").fill("5")
    page.get_by_label("Close automatically on").fill("2099-12-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("auto-reminder")).to_contain_text("once, 5 days after each")
    # English's DATE_FORMAT: the browser asks for en-US.
    expect(page.get_by_test_id("closing-date")).to_contain_text("Dec. 31, 2099")
    shot(page, artifacts_dir, f"survey-schedule-{viewport}")
    context.close()
