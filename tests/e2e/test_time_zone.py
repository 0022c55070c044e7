"""The new-organization form proposes the browser's time zone; the owner can still choose."""

import re

import pytest
from playwright.sync_api import Page, expect

from organizations.models import Organization
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.journey import answer, log_in, question_ids, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser whose clock is in New York, as a New York owner's is."""
    return {**browser_context_args, "timezone_id": "America/New_York"}


def test_the_browsers_zone_is_proposed_and_kept(page: Page, live_server, artifacts_dir):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    UserFactory(email="nora@hudson.example")
    log_in(page, live_server.url, "nora@hudson.example", PASSWORD)
    page.goto(f"{live_server.url}/app/organizations/new/")
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("America/New_York")
    shot(page, artifacts_dir, "time_zone_proposed")

    page.get_by_label("Name").fill("Hudson Bakery")
    page.get_by_label("Industry").select_option("food")
    page.get_by_label("Size band").select_option("micro")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Tell us about your organization")).to_have_count(0)
    assert Organization.objects.get(name="Hudson Bakery").time_zone == "America/New_York"
    expect(page.get_by_test_id("time-zone")).to_contain_text("America/New_York")
    assert errors == []


def test_an_owners_own_choice_is_not_replaced(page: Page, live_server):
    UserFactory(email="kim@seoul.example")
    log_in(page, live_server.url, "kim@seoul.example", PASSWORD)
    page.goto(f"{live_server.url}/app/organizations/new/")
    page.get_by_label("Name").fill("Han River Cafe")
    page.get_by_label("Industry").select_option("food")
    page.get_by_label("Size band").select_option("micro")
    # A hostile post: the browser offers only known zones, so forge the value in the page.
    page.eval_on_selector(
        "#id_time_zone",
        "el => { const o = new Option('Mars', 'Mars/Olympus_Mons'); el.add(o); el.value = o.value; }",
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_time_zone")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_text("is not a time zone we know")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Han River Cafe")
    # The re-shown form keeps the server's answer: the script leaves a bound form alone.
    page.get_by_label("Time zone").select_option("Asia/Seoul")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Tell us about your organization")).to_have_count(0)
    assert Organization.objects.get(name="Han River Cafe").time_zone == "Asia/Seoul"


def test_the_wizard_says_when_it_saved_in_the_organizations_zone(page: Page, respondent_link):
    Organization.objects.update(time_zone="America/New_York")
    page.goto(respondent_link)
    page.get_by_role("link", name=re.compile("Start|Continue")).first.click()
    first = question_ids(page)[0]
    answer(page, first, "4")
    expect(page.locator(f"#fb-{first}")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d E[SD]T"))
