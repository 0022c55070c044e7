"""Cycles with a closing date close themselves on that day (beat) and tell the owners."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from reports.closing import cycles_close_due
from reports.models import Report
from tests.assessments.factories import ResponseFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
DUE = date(2026, 12, 1)


def _day_after(day: date, days: int = 1) -> datetime:
    """Return a moment early on the day `days` after `day`, in UTC."""
    return datetime.combine(day + timedelta(days=days), datetime.min.time(), tzinfo=UTC) + (
        timedelta(minutes=5)
    )


def _due(assessment, on=DUE):
    assessment.closes_on = on
    assessment.save(update_fields=["closes_on"])


def test_a_due_cycle_with_answers_closes_queues_its_report_and_mails_the_owners(
    assessment, organization, django_capture_on_commit_callbacks
):
    co_owner = MembershipFactory(organization=organization)
    _due(assessment)
    ResponseFactory(assessment=assessment, submitted_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run = cycles_close_due(now=_day_after(DUE))
    assert run.closed == [assessment.pk]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED
    assert Report.objects.get(assessment=assessment).status == Report.Status.QUEUED
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["owner@example.com", co_owner.user.email]
    )
    assert "is closed" in mail.outbox[0].subject
    assert assessment.get_absolute_url() in mail.outbox[0].body
    # The next run finds nothing left to do.
    with django_capture_on_commit_callbacks(execute=True):
        assert cycles_close_due(now=_day_after(DUE, 2)).closed == []
    assert len(mail.outbox) == 2


def test_a_due_cycle_without_submitted_answers_stays_open_and_the_owner_is_told_once(
    assessment, django_capture_on_commit_callbacks
):
    _due(assessment)
    ResponseFactory(assessment=assessment)  # started, never submitted
    with django_capture_on_commit_callbacks(execute=True):
        run = cycles_close_due(now=_day_after(DUE))
    assert run.left_open == [assessment.pk]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    assert not Report.objects.exists()
    [message] = mail.outbox
    assert message.to == ["owner@example.com"]
    assert "not closed" in message.subject
    # Beat runs again and again: the owner hears about it once.
    with django_capture_on_commit_callbacks(execute=True):
        cycles_close_due(now=_day_after(DUE, 2))
    assert len(mail.outbox) == 1

    # Once someone submits, the next run closes it.
    ResponseFactory(assessment=assessment, submitted_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert cycles_close_due(now=_day_after(DUE, 3)).closed == [assessment.pk]


def test_a_cycle_before_its_date_or_without_one_stays_open(assessment):
    ResponseFactory(assessment=assessment, submitted_at=timezone.now())
    assert cycles_close_due(now=_day_after(DUE)).closed == []
    _due(assessment, on=DUE + timedelta(days=1))
    assert cycles_close_due(now=_day_after(DUE)).closed == []
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN


def test_the_beat_schedule_names_the_pinned_closing_task():
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["close-due-cycles"]
    assert entry["task"] == "assessments.tasks.cycles_close_due_task"
    assert entry["task"] in current_app.tasks


def test_the_owner_sets_a_closing_date_and_a_past_one_is_refused(owner_client, assessment):
    url = reverse("assessments:edit", args=[assessment.pk])
    yesterday = timezone.localdate() - timedelta(days=1)
    refused = owner_client.post(url, {"closes_on": yesterday.isoformat()})
    assert refused.status_code == 200
    assert "Choose today or a later day." in refused.content.decode()
    bad = owner_client.post(url, {"closes_on": "next friday"}).content.decode()
    assert "Enter a date, for example 2026-12-31." in bad
    later = timezone.localdate() + timedelta(days=14)
    assert owner_client.post(url, {"closes_on": later.isoformat()}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.closes_on == later
    page = owner_client.get(assessment.get_absolute_url()).content.decode()
    assert "Closes by itself at the end of" in page


def test_a_new_cycle_can_start_with_a_closing_date(owner_client, organization, default_bank):
    later = timezone.localdate() + timedelta(days=30)
    response = owner_client.post(
        reverse("assessments:assessment_create", args=[organization.pk]),
        {"label": "2027-Q1", "closes_on": later.isoformat()},
    )
    assert response.status_code == 302
    assert organization.assessments.get(label="2027-Q1").closes_on == later


def test_a_closing_date_ends_at_midnight_in_the_organizations_zone(
    assessment, organization, django_capture_on_commit_callbacks
):
    organization.time_zone = "America/New_York"
    organization.save(update_fields=["time_zone"])
    _due(assessment)
    ResponseFactory(assessment=assessment, submitted_at=timezone.now())
    # 04:59 UTC on 2 December is 23:59 on 1 December in New York: the last day is not over.
    assert cycles_close_due(now=datetime(2026, 12, 2, 4, 59, tzinfo=UTC)).closed == []
    with django_capture_on_commit_callbacks(execute=True):
        run = cycles_close_due(now=datetime(2026, 12, 2, 5, 1, tzinfo=UTC))
    assert run.closed == [assessment.pk]
    assert "(Dec. 1, 2026, America/New_York time)" in mail.outbox[0].body
