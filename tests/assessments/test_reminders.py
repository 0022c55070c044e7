"""Reassessment reminders: due after the review interval, at most once per interval."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from assessments.models import Assessment
from assessments.services.cycles import assessment_start
from assessments.services.reminders import reassessment_reminders_send
from organizations.models import Organization
from tests.accounts.factories import UserFactory
from tests.assessments.factories import AssessmentFactory
from tests.organizations.factories import MembershipFactory, StrategyProfileFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_pdf", "media_root")]


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _organization(bank, *, cycle_days_ago, interval=90, name="Crumb & Co"):
    owner = MembershipFactory(organization__name=name, organization__review_interval_days=interval)
    organization = owner.organization
    cycle = AssessmentFactory(
        organization=organization, bank=bank, label="2026-Q1", status=Assessment.Status.SCORED
    )
    Assessment.objects.filter(pk=cycle.pk).update(
        created_at=timezone.now() - timedelta(days=cycle_days_ago)
    )
    return organization


def test_owner_is_reminded_when_the_last_cycle_is_older_than_the_interval(default_bank):
    organization = _organization(default_bank, cycle_days_ago=91)
    manager = UserFactory(email="manager@crumb.example")
    MembershipFactory(user=manager, organization=organization, role="manager")
    now = timezone.now()
    assert reassessment_reminders_send(now=now) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    owner_email = organization.memberships.get(role="owner").user.email
    assert message.to == [owner_email]  # owners only
    assert "Crumb & Co" in message.subject
    assert "91 days ago" in message.body
    assert f"/app/organizations/{organization.pk}/" in message.body
    organization.refresh_from_db()
    assert organization.reminded_at == now


def test_recent_cycle_is_not_due(default_bank):
    _organization(default_bank, cycle_days_ago=89)
    _organization(default_bank, cycle_days_ago=40, interval=30, name="Monthly Ltd")
    assert reassessment_reminders_send(now=timezone.now()) == 1
    assert [m.subject for m in mail.outbox] == ["Time to reassess Monthly Ltd on Resonance"]


def test_organization_without_any_cycle_is_not_reminded(default_bank):
    MembershipFactory()
    assert reassessment_reminders_send(now=timezone.now()) == 0
    assert mail.outbox == []


def test_at_most_once_per_interval(default_bank):
    organization = _organization(default_bank, cycle_days_ago=100)
    now = timezone.now()
    assert reassessment_reminders_send(now=now) == 1
    assert reassessment_reminders_send(now=now) == 0  # the same run again does nothing
    assert reassessment_reminders_send(now=now + timedelta(days=89)) == 0
    assert len(mail.outbox) == 1
    later = now + timedelta(days=90)
    assert reassessment_reminders_send(now=later) == 1  # still no new cycle a quarter later
    assert len(mail.outbox) == 2
    organization.refresh_from_db()
    assert organization.reminded_at == later


def test_starting_a_new_cycle_clears_the_reminder(default_bank):
    organization = _organization(default_bank, cycle_days_ago=100)
    StrategyProfileFactory(organization=organization)
    assert reassessment_reminders_send(now=timezone.now()) == 1
    organization.refresh_from_db()
    assert organization.reminded_at is not None
    owner = organization.memberships.get().user
    assessment_start(organization=organization, user=owner, label="2026-Q3")
    organization.refresh_from_db()
    assert organization.reminded_at is None
    # The new cycle is recent: nothing is due now.
    assert reassessment_reminders_send(now=timezone.now()) == 0
    assert len(mail.outbox) == 1


def test_failed_mail_leaves_the_reminder_due(default_bank, monkeypatch):
    organization = _organization(default_bank, cycle_days_ago=100)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("assessments.services.reminders.send_mail", broken)
    assert reassessment_reminders_send(now=timezone.now()) == 0
    organization.refresh_from_db()
    assert organization.reminded_at is None
    monkeypatch.undo()
    assert reassessment_reminders_send(now=timezone.now()) == 1


def test_beat_task_runs_the_service(default_bank):
    from assessments.tasks import reassessment_reminders_task

    _organization(default_bank, cycle_days_ago=120)
    assert reassessment_reminders_task.apply().get() == 1
    assert Organization.objects.get().reminded_at is not None
