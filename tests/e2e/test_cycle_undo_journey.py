"""Browser journey: closing an empty cycle is refused, an unscored closed cycle is reopened, and
a cycle is deleted after a confirmation that says what goes."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from assessments.services.cycles import assessment_start
from organizations.services import strategy_save
from reports.models import Report
from reports.services import report_build
from tests.accounts.factories import PASSWORD, UserFactory
from tests.assessments.factories import submitted_response
from tests.e2e.journey import log_in, shot
from tests.organizations.factories import MembershipFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root", "no_pdf"),
]


def test_empty_close_refused_then_reopen_then_delete(
    page, live_server, default_bank, artifacts_dir
):
    owner = UserFactory(email="owner@bakery.example")
    organization = MembershipFactory(user=owner, organization__name="Crumb & Co").organization
    strategy_save(
        organization=organization,
        target_customers="Families nearby",
        segment="budget-conscious families",
        primary_value="price",
        value_discipline="operational_excellence",
        goals="",
    )
    cycle = assessment_start(organization=organization, user=owner, label="2026-Q4")
    base = live_server.url
    log_in(page, base, owner.email, PASSWORD)

    # Nobody has submitted: the close page says so and will not close.
    page.goto(f"{base}{cycle.get_absolute_url()}")
    page.get_by_role("link", name="Close the cycle…").click()
    expect(page.get_by_test_id("nothing-submitted")).to_contain_text(
        "Nobody has submitted answers to “2026-Q4” yet"
    )
    close = page.get_by_role("button", name="Close the cycle and build the report")
    expect(close).to_be_disabled()
    shot(page, artifacts_dir, "undo-01-close-refused")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, artifacts_dir, "undo-01-close-refused-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert Assessment.objects.get(pk=cycle.pk).status == Assessment.Status.OPEN

    # One submitted response with no ratings: closing works, the report has no index.
    submitted_response(cycle)
    page.reload()
    expect(page.get_by_test_id("nothing-submitted")).to_have_count(0)
    page.get_by_role("button", name="Close the cycle and build the report").click()
    expect(page.get_by_text("The cycle “2026-Q4” is closed.")).to_be_visible()
    report_build(report_id=Report.objects.get(assessment=cycle).pk)  # the worker's part
    page.reload()
    expect(page.get_by_text("Too few answers to compute an alignment index")).to_be_visible()
    shot(page, artifacts_dir, "undo-02-unscored")

    # Reopen it: answers can come in again and the empty report is gone.
    page.get_by_role("button", name="Reopen the cycle").click()
    expect(page.get_by_text("“2026-Q4” is open again")).to_be_visible()
    expect(page.get_by_role("link", name="Close the cycle…")).to_be_visible()
    shot(page, artifacts_dir, "undo-03-reopened")
    assert Assessment.objects.get(pk=cycle.pk).status == Assessment.Status.OPEN
    assert not Report.objects.filter(assessment=cycle).exists()

    # Delete it: the confirmation page lists what goes, and nothing goes before the click.
    page.get_by_role("link", name="Delete the cycle…").click()
    summary = page.get_by_test_id("delete-summary")
    expect(summary).to_contain_text("1 response")
    expect(summary).to_contain_text("0 answers")
    expect(summary).to_contain_text("0 invitations")
    shot(page, artifacts_dir, "undo-04-delete-confirm")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, artifacts_dir, "undo-04-delete-confirm-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert Assessment.objects.filter(pk=cycle.pk).exists()
    page.get_by_role("button", name="Delete the cycle for good").click()
    expect(page.get_by_text("The cycle “2026-Q4” was deleted.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/app/organizations/{organization.pk}/$"))
    shot(page, artifacts_dir, "undo-05-deleted")
    assert not Assessment.objects.filter(pk=cycle.pk).exists()
