"""Journey 1 in a real browser: sign up, organization, strategy, cycle, answer over two
sessions, invite respondents, close the cycle and watch the report status update itself."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from assessments.models import Answer, Assessment, Invitation, Response
from reports.models import Report
from tests.e2e.journey import (
    answer,
    answer_step,
    log_in,
    next_step,
    question_ids,
    shot,
    sign_up,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "olivia@crumb.example"
PASSWORD = "sourdough at dawn 2026"


def test_owner_journey_up_to_closing_the_cycle(
    page, browser, live_server, default_bank, artifacts_dir
):
    base = live_server.url

    # Sign up and set up the organization.
    sign_up(page, base, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Tell us about your organization")).to_be_visible()
    page.get_by_label("Name").fill("Crumb & Co")
    page.get_by_label("Industry").select_option("food")
    page.get_by_label("Size band").select_option("micro")
    page.get_by_label(re.compile("capacity for improvement work", re.I)).fill("6")
    page.get_by_role("button", name="Save").click()

    # The strategy, guided by the three questions.
    expect(page.get_by_role("heading", name="Your strategy")).to_be_visible()
    page.get_by_label("Who are your customers?").fill("Families in the neighbourhood.")
    page.get_by_label("customer segment in a few words").fill("budget-conscious families")
    page.get_by_label(re.compile("Price – we are")).check()
    page.get_by_label(re.compile("Operational excellence: ")).check()
    page.get_by_label(re.compile("What do you want to achieve")).fill("Sell out daily, waste less.")
    shot(page, artifacts_dir, "owner-01-strategy")
    page.get_by_role("button", name="Save the strategy").click()
    expect(page.get_by_role("heading", name="Next steps")).to_be_visible()

    # A co-owner or manager joins as a member with an account of their own.
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Their e-mail address").fill("max@crumb.example")
    page.get_by_role("radio", name="Manager").check()
    page.get_by_role("button", name="Add the member").click()
    expect(page.get_by_text("max@crumb.example is a member now")).to_be_visible()
    shot(page, artifacts_dir, "owner-01b-members")
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body  # a link to choose a password
    page.get_by_role("link", name="Crumb & Co").first.click()

    # Start the cycle.
    page.get_by_role("link", name="Start an assessment cycle").click()
    page.get_by_label("Name of the cycle").fill("2026-Q4")
    page.get_by_role("button", name="Start the cycle").click()
    expect(page.get_by_role("heading", name="Cycle 2026-Q4")).to_be_visible()
    assessment = Assessment.objects.get()
    assert assessment.strategy_snapshot["value_discipline"] == "operational_excellence"

    # First session: part 1, a comment, a target of our own, one answer by keyboard.
    page.get_by_role("link", name="Start answering").click()
    expect(page.get_by_role("heading", name=re.compile("Part 1 of 4"))).to_be_visible()
    ids = question_ids(page)
    target = page.locator(f"#q{ids[0]}-target")
    expect(target).to_have_value(str(_bank_target(ids[0])))  # prefilled for the discipline
    answer(page, ids[0], "2", comment="Only when a customer complains.")
    target.select_option("4" if _bank_target(ids[0]) != 4 else "5")
    expect(page.locator(f"#fb-{ids[0]}")).to_contain_text("Saved")
    page.locator(f"label[for='q{ids[1]}-c3']").click()
    page.keyboard.press("ArrowRight")  # a real radio group: arrows move the choice
    expect(page.locator(f"#q{ids[1]}-c4")).to_be_checked()
    expect(page.locator(f"#fb-{ids[1]}")).to_contain_text("Saved")
    answer_step(page, ["3", "4", "dk", "2"], skip={ids[0], ids[1]})
    expect(page.locator("#step-progress")).to_contain_text("16 of 16 answered in this part")
    shot(page, artifacts_dir, "owner-02-wizard-part1")
    assert Answer.objects.count() == 16
    assert Answer.objects.get(question_id=ids[1]).current == 4
    page.context.close()

    # Another day, another device: log in again and find the answers.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Crumb & Co")).to_be_visible()
    page.get_by_role("link", name="Continue the questionnaire").click()
    expect(page.locator(f"#q{ids[0]}-c2")).to_be_checked()
    expect(page.locator(f"#q{ids[1]}-c4")).to_be_checked()
    expect(page.locator(f"#q{ids[0]}-comment")).to_have_value("Only when a customer complains.")
    expect(page.locator("#overall-progress")).to_contain_text("16 of 64 answered in total")

    # Parts 2-4, leaving one question out, which the review then lists.
    left_out = None
    for _part in range(3):
        next_step(page)
        step_ids = question_ids(page)
        left_out = left_out or step_ids[-1]
        answer_step(page, ["4", "3", "5"], skip={left_out})
    next_step(page)
    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    expect(page.get_by_text("1 question still without an answer")).to_be_visible()
    shot(page, artifacts_dir, "owner-03-review")
    page.locator(f"a[href$='#q-{left_out}']").click()
    answer(page, left_out, "3")
    page.get_by_role("link", name="Review and submit").first.click()
    expect(page.get_by_text("Every question has an answer")).to_be_visible()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text(re.compile("You submitted your answers on"))).to_be_visible()
    response = Response.objects.get(user__email=EMAIL)
    assert response.submitted_at is not None
    assert response.answers.count() == 64

    # Invite a manager and two staff.
    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("Managers' e-mail addresses").fill("mia@crumb.example")
    page.get_by_label("Staff e-mail addresses").fill("sam@crumb.example, tom@crumb.example")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_text("3 invitations sent.")).to_be_visible()
    invitations = mail.outbox[-3:]
    assert len(mail.outbox) == 5  # sign-up verification, the member's mail, one per invitation
    assert all(f"{base}/app/respond/" in message.body for message in invitations)
    page.get_by_role("button", name="Withdraw the link of tom@crumb.example").click()
    expect(page.get_by_text("The link of tom@crumb.example no longer works.")).to_be_visible()
    shot(page, artifacts_dir, "owner-04-invitations")
    assert Invitation.objects.filter(revoked_at__isnull=False).count() == 1

    # Close the cycle; the status updates itself as the worker moves the report along.
    page.get_by_role("link", name=assessment.label).first.click()
    page.get_by_role("link", name="Close the cycle…").click()
    page.get_by_role("button", name="Close the cycle and build the report").click()
    expect(page.get_by_text("Report queued.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED
    assert assessment.closed_at is not None
    report = Report.objects.get(assessment=assessment)
    shot(page, artifacts_dir, "owner-05-report-queued")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    expect(page.get_by_text("Building your report…")).to_be_visible()
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.READY, alignment_index=67.8, band="partially_aligned"
    )
    expect(page.get_by_text("Report ready.")).to_be_visible()
    expect(page.locator("#report-status .metric")).to_have_text("68")
    expect(page.locator("#report-status")).to_contain_text("Partially aligned")
    expect(page.get_by_role("link", name="Read the report")).to_have_attribute(
        "href", f"/app/assessments/{assessment.pk}/report/"
    )
    shot(page, artifacts_dir, "owner-06-report-ready")

    page.get_by_role("link", name="Crumb & Co").first.click()
    past_cycles = page.locator("section", has=page.get_by_role("heading", name="Past cycles"))
    expect(past_cycles.get_by_text("Alignment index 68")).to_be_visible()
    expect(page.get_by_text("Measured alignment index 68")).to_be_visible()
    shot(page, artifacts_dir, "owner-07-home")
    context.close()


def _bank_target(question_id: int) -> int:
    from banks.models import Question

    return Question.objects.get(pk=question_id).target_operational_excellence


def test_a_failed_save_says_so_and_is_retried_until_it_lands(
    page, live_server, default_bank, artifacts_dir, django_user_model
):
    from assessments.services.cycles import assessment_start
    from organizations.services import strategy_save
    from tests.accounts.factories import UserFactory
    from tests.organizations.factories import MembershipFactory

    owner = UserFactory(email="o@example.com")
    organization = MembershipFactory(user=owner).organization
    strategy_save(
        organization=organization,
        target_customers="x",
        segment="y",
        primary_value="quality",
        value_discipline="product_leadership",
        goals="",
    )
    assessment = assessment_start(organization=organization, user=owner, label="Q")
    log_in(page, live_server.url, "o@example.com", "correct horse battery staple")
    page.goto(f"{live_server.url}/app/assessments/{assessment.pk}/answer/")
    first, second = question_ids(page)[:2]

    # The server fails, then the network: each says so beside the question, and the page
    # keeps trying by itself (one batch at a time, with backoff) until the answers land.
    page.route("**/answer/batch/", lambda route: route.fulfill(status=500, body="boom"))
    page.locator(f"label[for='q{first}-c4']").click()
    expect(page.locator(f"#fb-{first}")).to_contain_text("the server did not answer")
    page.route("**/answer/batch/", lambda route: route.abort())
    page.locator(f"label[for='q{second}-c4']").click()
    expect(page.locator(f"#fb-{second}")).to_contain_text("no connection")
    shot(page, artifacts_dir, "owner-08-save-failed", full_page=False)
    assert not Answer.objects.exists()
    page.locator(f"label[for='q{first}-c5']").click()  # a newer choice while it fails
    page.unroute("**/answer/batch/")
    expect(page.locator(f"#fb-{first}")).to_contain_text("Saved", timeout=45_000)
    expect(page.locator(f"#fb-{second}")).to_contain_text("Saved")
    assert dict(Answer.objects.values_list("question_id", "current")) == {first: 5, second: 4}
