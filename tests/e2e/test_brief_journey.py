"""The team brief journey: the owner publishes the cycle's brief; two staff open their links on a
phone, mark it read and one asks a question; the owner answers it; once the next cycle closes a
third link says the brief has been replaced."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from assessments.models import Assessment
from briefs.models import BriefLink, BriefPost
from organizations.models import Level
from tests.accounts.factories import PASSWORD
from tests.assessments.factories import AssessmentFactory, InvitationFactory
from tests.e2e.journey import log_in, shot
from tests.scenarios import answered_assessment, report_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"https?://\S+(/brief/\S+/)")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 390px screen"


def test_owner_publishes_staff_read_and_ask_owner_answers_old_link_is_replaced(
    page, browser, live_server, default_bank, no_pdf, media_root, monkeypatch, artifacts_dir
):
    from briefs import services

    # The worker's part, done in the server's thread when the publish commits.
    monkeypatch.setattr(
        services,
        "brief_links_enqueue",
        lambda *, brief_id: (
            services.brief_links_send(brief_id=brief_id, site_url=live_server.url) >= 0
        ),
    )
    assessment = answered_assessment(default_bank, status=Assessment.Status.CLOSED)
    report_ready(assessment)
    staff = ["sam@crumb.example", "kim@crumb.example", "lou@crumb.example"]
    for email in staff:
        InvitationFactory(assessment=assessment, level=Level.STAFF, email=email)
    InvitationFactory(assessment=assessment, level=Level.MANAGER, email="max@crumb.example")
    base = live_server.url

    # The owner prepares the brief from the organization page, adds a note and publishes.
    log_in(page, base, "owner@bakery.example", PASSWORD)
    page.goto(f"{base}{assessment.organization.get_absolute_url()}")
    page.get_by_role("link", name="Prepare the team brief").click()
    expect(page.get_by_role("heading", name="Team brief for 2026-Q4")).to_be_visible()
    expect(page.get_by_label("Who our customers are")).not_to_be_empty()
    page.get_by_label("A note from the owner").fill(
        "Thank you all for answering. Mornings are our weak spot: the steps below come first."
    )
    mail.outbox.clear()
    page.get_by_role("button", name="Publish the brief").click()
    expect(page.get_by_text("The brief is published")).to_be_visible()
    expect(page.get_by_test_id("publish-state")).to_contain_text("Published on")
    expect(page.get_by_test_id("read-counts")).to_contain_text("0 of 3")
    shot(page, artifacts_dir, "brief-01-owner-published")
    links = {message.to[0]: LINK.search(message.body)[1] for message in mail.outbox}
    assert set(links) == {*staff, "max@crumb.example"}

    # Two staff open their links on a phone and mark the brief read; one asks a question.
    for n, email in enumerate(staff[:2]):
        context = browser.new_context(viewport=PHONE)
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        phone.goto(base + links[email])
        expect(
            phone.get_by_role("heading", name="What the 2026-Q4 assessment told us")
        ).to_be_visible()
        expect(phone.get_by_test_id("published-on")).to_contain_text("Published on")
        expect(phone.get_by_text("Mornings are our weak spot")).to_be_visible()
        no_sideways_scroll(phone)
        if n == 0:
            shot(phone, artifacts_dir, "brief-02-phone-reader")
        phone.get_by_role("button", name="Mark as read").click()
        expect(phone.get_by_test_id("read-state")).to_contain_text("You marked this brief as read")
        if n == 1:
            first = phone.locator("#item-0")
            first.get_by_text("Ask a question or suggest an idea about this step").click()
            first.get_by_label("Your question or idea").fill("Who opens on Sundays?")
            shot(phone, artifacts_dir, "brief-03-phone-asking")
            first.get_by_role("button", name="Send anonymously").click()
            expect(phone.get_by_text("your question reached the owner")).to_be_visible()
            no_sideways_scroll(phone)
            shot(phone, artifacts_dir, "brief-04-phone-asked")
        context.close()
    assert BriefLink.objects.filter(read_at__isnull=False).count() == 2
    assert BriefPost.objects.get().text == "Who opens on Sundays?"

    # The owner sees the counts (managers hidden: one person) and answers the question.
    page.reload()
    counts = page.get_by_test_id("read-counts")
    expect(counts).to_contain_text("2 of 3")
    expect(counts).to_contain_text("fewer than 3 — hidden")
    post = page.get_by_test_id("post")
    expect(post).to_contain_text("Who opens on Sundays?")
    post.get_by_label("Your answer, shown on the brief").fill("Kim and Lou, every other week.")
    post.get_by_role("button", name="Answer on the brief").click()
    expect(page.get_by_text("Your answer is on the brief for everyone to read.")).to_be_visible()
    shot(page, artifacts_dir, "brief-05-owner-answered")
    # The owner's desk and the members' view fit a phone too.
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    shot(page, artifacts_dir, "brief-05b-owner-phone")
    page.get_by_role("link", name="See it as your team does").click()
    expect(page.get_by_text("Kim and Lou, every other week.")).to_be_visible()
    no_sideways_scroll(page)

    # The first reader sees the answer; the brief prints without the site around it.
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.goto(base + links[staff[0]])
    expect(phone.get_by_text("Kim and Lou, every other week.")).to_be_visible()
    phone.emulate_media(media="print")
    expect(phone.locator("nav.navbar")).to_be_hidden()
    expect(phone.locator("footer")).to_be_hidden()
    assert phone.locator("button:visible, form:visible").count() == 0
    expect(phone.get_by_text("Kim and Lou, every other week.")).to_be_visible()
    shot(phone, artifacts_dir, "brief-06-print")
    phone.emulate_media(media="screen")

    # The next cycle closes: the third link, never opened, says the brief was replaced.
    nxt = AssessmentFactory(
        organization=assessment.organization, bank=default_bank, label="2027-Q1", status="closed"
    )
    Assessment.objects.filter(pk=nxt.pk).update(
        created_at=assessment.created_at + timedelta(days=90)
    )
    reply = phone.goto(base + links[staff[2]])
    assert reply.status == 410
    expect(phone.get_by_role("heading", name="This brief has been replaced")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, artifacts_dir, "brief-07-replaced")
    context.close()
