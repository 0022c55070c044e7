"""The owner's journey through the test client: organization, strategy, members, cycle, close."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import cycles
from organizations.models import Membership, Organization, StrategyProfile
from organizations.services import strategy_save
from reports.models import Report
from reports.services import assessment_close_and_report
from tests.accounts.factories import UserFactory
from tests.assessments.factories import submitted_response
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

STRATEGY = {
    "target_customers": "Office workers around the station who want lunch fast.",
    "segment": "busy commuters",
    "primary_value": "convenience",
    "value_discipline": "operational_excellence",
    "goals": "Serve everyone within five minutes.",
}


def test_new_owner_is_led_from_organization_to_strategy_to_first_cycle(client, default_bank):
    client.force_login(UserFactory())
    created = client.post(
        reverse("organizations:organization_create"),
        {
            "name": "Crumb & Co",
            "industry": "food",
            "size_band": "micro",
            "capacity_days_per_month": "6",
        },
    )
    organization = Organization.objects.get()
    assert created["Location"] == reverse("organizations:strategy", args=[organization.pk])
    page = client.get(created["Location"]).content.decode()
    for words in ("Operational excellence", "Product leadership", "Customer intimacy", "Think of"):
        assert words in page
    saved = client.post(created["Location"], STRATEGY)
    assert saved["Location"] == organization.get_absolute_url()
    home = client.get(saved["Location"]).content.decode()
    assert "Start an assessment cycle" in home
    started = client.post(
        reverse("assessments:assessment_create", args=[organization.pk]), {"label": "2026-Q4"}
    )
    assessment = Assessment.objects.get()
    assert started["Location"] == assessment.get_absolute_url()
    assert assessment.bank == default_bank
    assert assessment.status == Assessment.Status.OPEN
    assert assessment.strategy_snapshot == STRATEGY
    home = client.get(organization.get_absolute_url()).content.decode()
    assert "2026-Q4" in home
    assert "Answer the questionnaire" in home


def test_the_snapshot_keeps_the_strategy_a_cycle_started_with(assessment, organization):
    strategy_save(
        organization=organization, **{**STRATEGY, "value_discipline": "customer_intimacy"}
    )
    assessment.refresh_from_db()
    assert assessment.strategy_snapshot["value_discipline"] == "operational_excellence"
    assert StrategyProfile.objects.get().value_discipline == "customer_intimacy"


def test_a_cycle_needs_a_strategy_and_only_one_is_open_at_a_time(owner, default_bank):
    organization = MembershipFactory(user=owner).organization
    with pytest.raises(cycles.CycleError, match="strategy"):
        cycles.assessment_start(organization=organization, user=owner, label="A")
    strategy_save(organization=organization, **STRATEGY)
    cycles.assessment_start(organization=organization, user=owner, label="A")
    with pytest.raises(cycles.CycleError, match="Close the open cycle"):
        cycles.assessment_start(organization=organization, user=owner, label="B")


def test_the_cycle_form_rejects_a_label_in_use(owner_client, assessment):
    submitted_response(assessment)
    cycles.assessment_close(assessment=assessment)
    response = owner_client.post(
        reverse("assessments:assessment_create", args=[assessment.organization.pk]),
        {"label": assessment.label},
    )
    assert response.status_code == 200
    assert "exists already" in response.content.decode()
    assert Assessment.objects.count() == 1


def test_closing_the_cycle_queues_the_report(
    owner_client, assessment, django_capture_on_commit_callbacks
):
    submitted_response(assessment)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner_client.post(reverse("assessments:close", args=[assessment.pk]))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED
    assert assessment.closed_at is not None
    assert Report.objects.get(assessment=assessment).status == Report.Status.QUEUED
    assert len(callbacks) == 1  # the build task goes out once the close has committed
    again = owner_client.post(reverse("assessments:close", args=[assessment.pk]), follow=True)
    assert "closed already" in again.content.decode()


def test_report_status_polls_while_building_and_stops_when_ready(owner_client, assessment):
    submitted_response(assessment)
    assessment_close_and_report(assessment=assessment)
    url = reverse("assessments:report_status", args=[assessment.pk])
    queued = owner_client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in queued
    assert "Report queued" in queued
    Report.objects.filter(assessment=assessment).update(status="running")
    assert "Building your report" in owner_client.get(url).content.decode()
    Report.objects.filter(assessment=assessment).update(
        status="ready", alignment_index=72.4, band="aligned"
    )
    ready = owner_client.get(url).content.decode()
    assert "hx-trigger" not in ready
    assert ">72<" in ready
    assert "Aligned" in ready
    Report.objects.filter(assessment=assessment).update(status="failed", error="Scoring failed: x")
    failed = owner_client.get(url).content.decode()
    assert "could not be built" in failed
    assert "hx-trigger" not in failed
    home = owner_client.get(assessment.organization.get_absolute_url()).content.decode()
    assert "Past cycles" in home
    assert assessment.label in home


def test_past_cycles_show_their_alignment_index(owner_client, assessment):
    submitted_response(assessment)
    assessment_close_and_report(assessment=assessment)
    Report.objects.filter(assessment=assessment).update(
        status="ready", alignment_index=64.6, band="partially_aligned"
    )
    home = owner_client.get(assessment.organization.get_absolute_url()).content.decode()
    assert "Alignment index <strong>65</strong>" in home
    assert "Partially aligned" in home


def test_owner_adds_a_manager_who_sets_a_password_and_logs_in(owner_client, organization):
    response = owner_client.post(
        reverse("organizations:members", args=[organization.pk]),
        {"email": "Mia@Example.com", "role": "manager"},
    )
    assert response.status_code == 302
    member = get_user_model().objects.get(username="mia@example.com")
    assert not member.has_usable_password()
    assert Membership.objects.get(user=member).role == Membership.Role.MANAGER
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    password = "a long new password 42"
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": password, "password2": password},
    )
    logged_in = client.post(reverse("login"), {"login": "mia@example.com", "password": password})
    assert logged_in.status_code == 302  # the log-in form accepts the new password
    # The link went to her mailbox, so setting the password proved the address: she is in.
    assert client.get(organization.get_absolute_url()).status_code == 200
    again = owner_client.post(
        reverse("organizations:members", args=[organization.pk]),
        {"email": "mia@example.com", "role": "owner"},
    )
    assert "member of" in again.content.decode()


def test_an_existing_account_is_added_without_a_new_password(owner_client, organization):
    existing = UserFactory(email="ben@example.com")
    owner_client.post(
        reverse("organizations:members", args=[organization.pk]),
        {"email": "ben@example.com", "role": "owner"},
    )
    assert Membership.objects.get(user=existing).role == Membership.Role.OWNER
    assert existing.has_usable_password()
    assert "/accounts/login/" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("organizations:strategy", STRATEGY),
        ("organizations:members", {"email": "x@example.com", "role": "owner"}),
        ("assessments:assessment_create", {"label": "2027-Q1"}),
    ],
)
def test_a_manager_cannot_do_owner_things_in_the_organization(
    client, organization, default_bank, name, data
):
    manager = MembershipFactory(organization=organization, role="manager").user
    client.force_login(manager)
    assert client.post(reverse(name, args=[organization.pk]), data).status_code == 403


@pytest.mark.parametrize("name", ["close", "invitations"])
def test_a_manager_cannot_invite_or_close(client, assessment, name):
    manager = MembershipFactory(organization=assessment.organization, role="manager").user
    client.force_login(manager)
    url = reverse(f"assessments:{name}", args=[assessment.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"staff": "x@example.com"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN


def test_a_manager_sees_the_strategy_read_only(client, organization):
    client.force_login(MembershipFactory(organization=organization, role="manager").user)
    body = client.get(reverse("organizations:strategy", args=[organization.pk])).content.decode()
    assert "budget-conscious families" in body
    assert "<form" not in body.split('id="main"')[1]
