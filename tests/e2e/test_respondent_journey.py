"""Journey 2 in a real browser: two respondents open their links, answer, come back, submit and
see the thank-you page; a used, an expired and a tampered link each get a clear page."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Answer, Invitation, Response
from assessments.services.cycles import assessment_start
from assessments.services.invitations import invitations_create
from organizations.models import Level
from organizations.services import strategy_save
from tests.accounts.factories import UserFactory
from tests.e2e.journey import answer, answer_step, log_in, next_step, question_ids, shot
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


def links(assessment, base_url, *entries):
    """Invite people the way the owner's page does and return their links from the e-mails."""
    start = len(mail.outbox)
    invitations_create(assessment=assessment, entries=entries, site_url=base_url)
    return [re.search(r"http\S+/respond/\S+/", m.body).group(0) for m in mail.outbox[start:]]


def test_two_respondents_answer_and_dead_links_get_clear_pages(
    browser, live_server, open_cycle, artifacts_dir
):
    base = live_server.url
    sam_link, mia_link, eve_link = links(
        open_cycle,
        base,
        ("sam@crumb.example", Level.STAFF),
        ("mia@crumb.example", Level.MANAGER),
        ("eve@crumb.example", Level.STAFF),
    )

    # Sam, staff, on a desktop: starts, answers part 1, leaves.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(sam_link)
    expect(page.get_by_role("heading", name="Crumb & Co asks for your view")).to_be_visible()
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_text("What our strategy needs")).to_have_count(0)
    expect(page.locator("select[name=target]")).to_have_count(0)
    first_part = answer_step(page, ["2", "3", "dk"])
    answer(page, first_part[0], "2", comment="We only hear about it when it goes wrong.")
    context.close()

    # Sam comes back later through the same link and finds the answers.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(sam_link)
    expect(page.get_by_text("Welcome back: 16 of 64 answered so far.")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    expect(page.locator(f"#q{first_part[0]}-c2")).to_be_checked()
    expect(page.locator(f"#q{first_part[0]}-comment")).to_have_value(
        "We only hear about it when it goes wrong."
    )
    for _part in range(3):
        next_step(page)
        answer_step(page, ["3", "4"])
    next_step(page)
    expect(page.get_by_text("Every question has an answer")).to_be_visible()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    shot(page, artifacts_dir, "respondent-01-thanks")

    # The used link: a clear page with 410, never the questionnaire again.
    used = page.goto(sam_link)
    assert used.status == 410
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    shot(page, artifacts_dir, "respondent-02-used-link")
    context.close()

    # Mia, manager, on a phone.
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(mia_link)
    shot(page, artifacts_dir, "respondent-03-phone-start", full_page=False)
    page.get_by_role("link", name="Start").click()
    ids = question_ids(page)
    answer(page, ids[0], "4")
    page.locator(f"#q{ids[1]}-c1").scroll_into_view_if_needed()
    shot(page, artifacts_dir, "respondent-04-phone-question", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    answer_step(page, ["5", "4"], skip={ids[0]})
    for _part in range(3):
        next_step(page)
        answer_step(page, ["4", "dk", "5"])
    next_step(page)
    shot(page, artifacts_dir, "respondent-05-phone-review", full_page=False)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    context.close()

    submitted = Response.objects.filter(submitted_at__isnull=False)
    assert sorted(submitted.values_list("level", flat=True)) == [Level.MANAGER, Level.STAFF]
    assert Answer.objects.filter(response__in=submitted).count() == 128

    # Eve's link expired; a tampered link is unknown.
    Invitation.objects.filter(email="eve@crumb.example").update(expires_at=timezone.now())
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    expired = page.goto(eve_link)
    assert expired.status == 410
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    shot(page, artifacts_dir, "respondent-06-expired-link", full_page=False)
    tampered = page.goto(eve_link.replace("/respond/", "/respond/x"))
    assert tampered.status == 404
    expect(page.get_by_role("heading", name="We do not recognise this link")).to_be_visible()
    context.close()

    # The owner sees counts per level and who submitted, never what anyone answered.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, "olivia@crumb.example", "correct horse battery staple")
    page.goto(f"{base}/app/assessments/{open_cycle.pk}/invitations/")
    rows = page.locator("table").last.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_text("Submitted", exact=True)).to_have_count(3)  # 2 badges + header
    expect(page.get_by_text("Expired", exact=True)).to_have_count(1)
    expect(page.get_by_text("We only hear about it")).to_have_count(0)
    shot(page, artifacts_dir, "respondent-07-owner-counts")
    context.close()
