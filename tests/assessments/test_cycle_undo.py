"""An empty cycle never takes over: closing needs a submitted response, "latest" means the newest
cycle with a scored index, and a cycle without one can be reopened or deleted by its owner."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Answer, Assessment, Invitation, Response
from assessments.services import cycles
from consultants.selectors.benchmarks import _latest_summaries
from consultants.selectors.client_dashboard import cycles_scored
from consultants.selectors.portfolio import PortfolioQuery, portfolio_row, portfolio_rows
from organizations.models import Level, Membership
from reports.models import ActionItem, Report
from reports.selectors import assessment_latest_scored
from tests.accounts.factories import UserFactory
from tests.assessments.factories import (
    AnswerFactory,
    InvitationFactory,
    ResponseFactory,
    submitted_response,
)
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory
from tests.reports.factories import ActionItemFactory, ReportFactory

pytestmark = pytest.mark.django_db


def _close(client, assessment):
    return client.post(reverse("assessments:close", args=[assessment.pk]), follow=True)


# --- Closing needs a submitted response -------------------------------------------------------


def test_closing_a_cycle_nobody_submitted_is_refused_with_a_reason(owner_client, assessment):
    # Answers started but not submitted do not count either.
    AnswerFactory(response=ResponseFactory(assessment=assessment), current=3)
    page = owner_client.get(reverse("assessments:close", args=[assessment.pk])).content.decode()
    assert 'data-testid="nothing-submitted"' in page
    body = _close(owner_client, assessment).content.decode()
    assert "Nobody has submitted answers to “2026-Q4” yet" in body
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    assert not Report.objects.exists()


def test_one_submitted_response_is_enough_to_close(owner_client, assessment):
    submitted_response(assessment)
    _close(owner_client, assessment)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED
    assert Report.objects.get(assessment=assessment).status == Report.Status.QUEUED


def test_the_api_refuses_to_close_an_empty_cycle(owner, assessment):
    api = APIClient()
    api.force_authenticate(owner)
    url = f"/api/cycles/{assessment.pk}/close/"
    refused = api.post(url)
    assert refused.status_code == 409
    assert "Nobody has submitted answers" in refused.json()["detail"]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    submitted_response(assessment)
    accepted = api.post(url)
    assert accepted.status_code == 202
    assert accepted.json()["report_status"] == Report.Status.QUEUED


def test_the_api_close_is_for_owners_and_scoped(assessment):
    manager = MembershipFactory(
        organization=assessment.organization, role=Membership.Role.MANAGER
    ).user
    stranger = UserFactory()
    submitted_response(assessment)
    api = APIClient()
    api.force_authenticate(manager)
    assert api.post(f"/api/cycles/{assessment.pk}/close/").status_code == 403
    api.force_authenticate(stranger)
    assert api.post(f"/api/cycles/{assessment.pk}/close/").status_code == 404
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN


def test_the_close_command_refuses_an_empty_cycle(assessment):
    with pytest.raises(CommandError, match="Nobody has submitted answers"):
        call_command("close_cycle", str(assessment.pk))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN


# --- "Latest" is the newest cycle with a scored index ------------------------------------------


@pytest.fixture
def history(organization, default_bank):
    """Return (scored, empty): a scored cycle and a newer one whose report has no index."""
    now = timezone.now()
    scored = ReportFactory(
        assessment__organization=organization,
        assessment__bank=default_bank,
        assessment__label="2026-Q3",
        alignment_index=71.6,
        band="partially_aligned",
        dimension_scores={"market": {"title": "Market alignment", "score": 66.0}},
    ).assessment
    empty = ReportFactory(
        assessment__organization=organization,
        assessment__bank=default_bank,
        assessment__label="2026-Q4",
        alignment_index=None,
        band="insufficient_data",
        dimension_scores={"market": {"title": "Market alignment", "score": None}},
    ).assessment
    Assessment.objects.filter(pk=scored.pk).update(created_at=now - timedelta(days=90))
    Assessment.objects.filter(pk=empty.pk).update(created_at=now)
    return scored, empty


def test_latest_everywhere_skips_a_report_without_an_index(
    owner_client, owner, organization, history
):
    scored, empty = history
    assert assessment_latest_scored(organization=organization) == scored

    home = owner_client.get(organization.get_absolute_url()).content.decode()
    assert "Action plan of 2026-Q3" in home

    consultant = ConsultantAccessFactory(organization=organization).consultant
    [row] = portfolio_rows(user=consultant, query=PortfolioQuery(), stale_days=90)
    shown = portfolio_row(row, today=timezone.localdate())
    assert (shown.latest_label, shown.index) == ("2026-Q3", 71.6)

    dashboard = owner_client.get(reverse("clients:dashboard", args=[organization.pk]))
    assert dashboard.context["latest"].assessment == scored
    assert [c.label for c in cycles_scored(organization=organization)] == ["2026-Q3"]
    assert _latest_summaries({"pk": organization.pk})[organization.pk]["alignment_index"] == 71.6

    api = APIClient()
    api.force_authenticate(owner)
    result = api.get(f"/api/organizations/{organization.pk}/latest-result/").json()
    assert result["cycle"] == scored.pk
    assert empty.pk != scored.pk


# --- Reopening and deleting a cycle without a scored index -------------------------------------


def _closed_empty(assessment, *, index=None):
    """Close the cycle as an early close used to, with a ready report of the given index."""
    submitted_response(assessment)
    cycles.assessment_close(assessment=assessment)
    return ReportFactory(
        assessment=assessment,
        alignment_index=index,
        band="insufficient_data" if index is None else "aligned",
    )


def test_owner_reopens_a_closed_cycle_without_an_index(
    owner_client, assessment, media_root, django_capture_on_commit_callbacks
):
    report = _closed_empty(assessment)
    report.pdf.name = default_storage.save("reports/empty.pdf", ContentFile(b"%PDF-"))
    report.save()
    ActionItemFactory(assessment=assessment)
    page = owner_client.get(assessment.get_absolute_url()).content.decode()
    assert reverse("assessments:reopen", args=[assessment.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        reply = owner_client.post(reverse("assessments:reopen", args=[assessment.pk]), follow=True)
    assert "is open again" in reply.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    assert assessment.closed_at is None
    assert not Report.objects.filter(assessment=assessment).exists()
    assert not ActionItem.objects.filter(assessment=assessment).exists()
    assert Response.objects.filter(assessment=assessment).count() == 1  # answers are kept
    assert not default_storage.exists("reports/empty.pdf")


def test_a_scored_cycle_can_be_neither_reopened_nor_deleted(owner_client, assessment):
    _closed_empty(assessment, index=74.0)
    page = owner_client.get(assessment.get_absolute_url()).content.decode()
    assert reverse("assessments:reopen", args=[assessment.pk]) not in page
    assert reverse("assessments:delete", args=[assessment.pk]) not in page
    reply = owner_client.post(reverse("assessments:reopen", args=[assessment.pk]), follow=True)
    assert "stays as a record" in reply.content.decode()
    owner_client.post(reverse("assessments:delete", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED
    assert Report.objects.filter(assessment=assessment).exists()


def test_reopening_waits_for_a_build_and_for_the_open_cycle(owner_client, owner, assessment):
    report = _closed_empty(assessment)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    reply = owner_client.post(reverse("assessments:reopen", args=[assessment.pk]), follow=True)
    assert "being built" in reply.content.decode()
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED)
    cycles.assessment_start(organization=assessment.organization, user=owner, label="2027-Q1")
    reply = owner_client.post(reverse("assessments:reopen", args=[assessment.pk]), follow=True)
    assert "Close the open cycle “2027-Q1”" in reply.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED


def test_delete_confirmation_says_what_goes_then_deletes_it(owner_client, assessment):
    invitation = InvitationFactory(assessment=assessment, level=Level.STAFF)
    response = submitted_response(assessment)
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    AnswerFactory(response=response, current=2)
    AnswerFactory(response=response, current=4)
    AnswerFactory(response=ResponseFactory(assessment=assessment), current=3)
    url = reverse("assessments:delete", args=[assessment.pk])

    page = owner_client.get(url).content.decode()
    assert "2 responses" in page
    assert "(1 submitted)" in page
    assert "3 answers" in page
    assert "1 invitation, whose link stops working" in page
    assert Assessment.objects.filter(pk=assessment.pk).exists()  # a GET changes nothing

    reply = owner_client.post(url, follow=True)
    assert reply.redirect_chain[-1][0] == assessment.organization.get_absolute_url()
    assert "was deleted" in reply.content.decode()
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not Invitation.objects.exists()


def test_reopen_and_delete_are_the_owners_alone(client, assessment):
    _closed_empty(assessment)
    manager = MembershipFactory(
        organization=assessment.organization, role=Membership.Role.MANAGER
    ).user
    stranger = MembershipFactory().user
    consultant = ConsultantAccessFactory(organization=assessment.organization).consultant
    for user in (manager, stranger, consultant):
        client.force_login(user)
        assert client.get(reverse("assessments:delete", args=[assessment.pk])).status_code == 404
        assert client.post(reverse("assessments:delete", args=[assessment.pk])).status_code == 404
        assert client.post(reverse("assessments:reopen", args=[assessment.pk])).status_code == 404
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.CLOSED


def test_reopen_is_post_only_and_csrf_checked(owner, assessment):
    from django.test import Client

    _closed_empty(assessment)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.get(reverse("assessments:reopen", args=[assessment.pk])).status_code == 405
    assert strict.post(reverse("assessments:reopen", args=[assessment.pk])).status_code == 403
    assert strict.post(reverse("assessments:delete", args=[assessment.pk])).status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.CLOSED
