"""Journey 4 in a real browser: the admin copies the published bank to a draft, edits one
question's text and target, publishes it; a new cycle uses the new version, an old one keeps its own."""

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from assessments.services.cycles import assessment_start
from banks.models import Area, Question, QuestionBank
from tests.accounts.factories import PASSWORD, TOTP_SECRET, StaffUserFactory
from tests.e2e.journey import log_in, shot
from tests.organizations.factories import MembershipFactory, StrategyProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADMIN_EMAIL = "keeper@resonance.example"
NEW_TEXT = "We ask every customer for one line of feedback and read it every Friday."


def test_admin_publishes_a_new_version_without_touching_old_cycles(
    page, live_server, default_bank, artifacts_dir
):
    StaffUserFactory(email=ADMIN_EMAIL, is_superuser=True)
    membership = MembershipFactory()
    StrategyProfileFactory(organization=membership.organization)
    old_cycle = assessment_start(
        organization=membership.organization, user=membership.user, label="2026-Q3"
    )
    Assessment.objects.filter(pk=old_cycle.pk).update(status=Assessment.Status.CLOSED)
    first_area = Area.objects.filter(dimension__bank=default_bank).order_by(
        "dimension__position", "position"
    )[0]
    old_question = first_area.questions.order_by("position")[0]
    old_text = old_question.text

    base = live_server.url
    # The admin's log-in is the site's, with the authenticator app's code staff must give.
    log_in(page, base, ADMIN_EMAIL, PASSWORD, totp_secret=TOTP_SECRET)

    # The published version is read-only; it offers a new draft.
    page.goto(f"{base}/admin/banks/questionbank/{default_bank.pk}/change/")
    page.get_by_role("button", name="New draft from this version").click()
    expect(page.get_by_text("was created from")).to_be_visible()
    draft = QuestionBank.objects.get(status=QuestionBank.Status.DRAFT)
    assert draft.version == default_bank.version + 1

    # Edit one question of the draft, text and target, on its area's page.
    draft_area = Area.objects.get(dimension__bank=draft, code=first_area.code)
    page.goto(f"{base}/admin/banks/area/{draft_area.pk}/change/")
    page.locator("textarea[name='questions-0-text']").fill(NEW_TEXT)
    page.locator("input[name='questions-0-target_operational_excellence']").fill("5")
    shot(page, artifacts_dir, "admin-01-draft-area", full_page=False)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    # Publish the draft.
    page.goto(f"{base}/admin/banks/questionbank/{draft.pk}/change/")
    page.get_by_role("link", name="Publish…").click()
    # A confirmation first: it says what publishing does, and nothing is published yet.
    expect(page.get_by_text("can no longer be edited")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT
    page.get_by_role("button", name="Yes, publish it").click()
    # Back on the list of versions: published, with no contradicting "read-only" notice.
    expect(page.get_by_text("is published: new assessments use it")).to_be_visible()
    expect(page.get_by_text("and read-only")).to_have_count(0)
    shot(page, artifacts_dir, "admin-02-published", full_page=False)
    draft.refresh_from_db()
    default_bank.refresh_from_db()
    assert draft.status == QuestionBank.Status.PUBLISHED
    assert default_bank.status == QuestionBank.Status.RETIRED

    # A new cycle uses the new version; the old cycle keeps the version it started with.
    new_cycle = assessment_start(
        organization=membership.organization, user=membership.user, label="2026-Q4"
    )
    assert new_cycle.bank == draft
    edited = Question.objects.get(area__dimension__bank=draft, code=old_question.code)
    assert edited.text == NEW_TEXT
    assert edited.target_operational_excellence == 5
    old_cycle.refresh_from_db()
    assert old_cycle.bank == default_bank
    old_question.refresh_from_db()
    assert old_question.text == old_text
