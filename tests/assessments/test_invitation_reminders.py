"""Reminders to invitees who have not answered: by a click, or automatically after N days."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation
from assessments.services import invitations
from organizations.models import Level, Membership
from tests.accounts.factories import UserFactory
from tests.assessments.factories import ResponseFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
SITE = "http://testserver/"


def _invite(assessment, *emails, level=Level.STAFF):
    invitations.invitations_create(
        assessment=assessment, entries=[(email, level) for email in emails], site_url=SITE
    )
    mail.outbox.clear()
    return {invitation.email: invitation for invitation in assessment.invitations.all()}


def _submit(invitation):
    ResponseFactory(
        assessment=invitation.assessment,
        invitation=invitation,
        level=invitation.level,
        submitted_at=timezone.now(),
    )


def _token(message):
    return re.search(r"/respond/([A-Za-z0-9_-]+)/", message.body).group(1)


def test_a_reminder_reaches_each_invitee_who_has_not_submitted_once_a_day(assessment):
    invited = _invite(assessment, "ana@example.com", "ben@example.com", "cat@example.com")
    _submit(invited["ben@example.com"])
    invitations.invitation_revoke(invitation=invited["cat@example.com"])
    now = timezone.now()

    assert invitations.invitation_reminders_send(assessment=assessment, site_url=SITE, now=now) == 1
    assert [message.to for message in mail.outbox] == [["ana@example.com"]]
    assert "Reminder" in mail.outbox[0].subject
    # The new link opens the questionnaire; the invitation records the reminder.
    assert invitations.invitation_resolve(token=_token(mail.outbox[0])).email == "ana@example.com"
    assert Invitation.objects.get(email="ana@example.com").reminded_at == now

    # A second click the same day repeats nothing.
    later = now + timedelta(hours=23)
    assert (
        invitations.invitation_reminders_send(assessment=assessment, site_url=SITE, now=later) == 0
    )
    assert len(mail.outbox) == 1
    # A day later the owner may remind again.
    next_day = now + timedelta(days=1, minutes=1)
    assert (
        invitations.invitation_reminders_send(assessment=assessment, site_url=SITE, now=next_day)
        == 1
    )


def test_a_failed_reminder_mail_leaves_the_old_link_working(assessment, client, monkeypatch):
    invitations.invitations_create(
        assessment=assessment, entries=[("ana@example.com", Level.STAFF)], site_url=SITE
    )
    old = _token(mail.outbox[-1])

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(invitations, "send_mail", broken)
    assert invitations.invitation_reminders_send(assessment=assessment, site_url=SITE) == 0
    assert invitations.invitation_resolve(token=old).email == "ana@example.com"
    assert Invitation.objects.get().reminded_at is None


def test_the_automatic_reminder_goes_once_per_person_after_n_days(assessment):
    assessment.remind_after_days = 3
    assessment.save(update_fields=["remind_after_days"])
    invited = _invite(assessment, "ana@example.com", "ben@example.com")
    _submit(invited["ben@example.com"])
    created = invited["ana@example.com"].created_at

    assert invitations.invitation_reminders_auto(now=created + timedelta(days=2)) == 0
    assert invitations.invitation_reminders_auto(now=created + timedelta(days=3, hours=1)) == 1
    assert [message.to for message in mail.outbox] == [["ana@example.com"]]
    # Beat runs every hour: the same person never gets the automatic reminder again.
    for days in (4, 6, 9):
        assert invitations.invitation_reminders_auto(now=created + timedelta(days=days)) == 0
    assert len(mail.outbox) == 1
    ana = Invitation.objects.get(email="ana@example.com")
    assert ana.auto_reminded_at is not None


def test_no_automatic_reminder_without_a_delay_set_or_on_a_closed_cycle(assessment):
    invited = _invite(assessment, "ana@example.com")
    later = invited["ana@example.com"].created_at + timedelta(days=10)
    assert invitations.invitation_reminders_auto(now=later) == 0
    assessment.remind_after_days = 1
    assessment.status = assessment.Status.CLOSED
    assessment.save(update_fields=["remind_after_days", "status"])
    assert invitations.invitation_reminders_auto(now=later) == 0
    assert mail.outbox == []


def test_the_beat_schedule_names_the_pinned_reminder_task():
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["invitation-reminders"]
    assert entry["task"] == "assessments.tasks.invitation_reminders_task"
    assert entry["task"] in current_app.tasks


# --- The cycle page -------------------------------------------------------------------------


def test_the_cycle_page_shows_the_response_rate_per_level(owner_client, assessment):
    invited = _invite(
        assessment, "a@example.com", "b@example.com", "c@example.com", "d@example.com"
    )
    _submit(invited["a@example.com"])
    ResponseFactory(assessment=assessment, invitation=invited["b@example.com"], level=Level.STAFF)
    page = owner_client.get(assessment.get_absolute_url()).content.decode()
    staff = re.search(r'<tr data-level="staff">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', staff)
    # Invited, started (whether submitted or not), submitted, rate. The started one has no
    # answers yet, so it does not count as started.
    assert cells == ["4", "1", "1", "25&nbsp;%"]
    owner_row = re.search(r'<tr data-level="owner">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'<td class="text-end">([^<]*)</td>', owner_row) == [
        "1",
        "0",
        "0",
        "0&nbsp;%",
    ]
    assert "Remind the 3 people who have not answered" in page


def test_one_click_reminds_and_says_how_many(owner_client, assessment):
    _invite(assessment, "a@example.com", "b@example.com")
    url = reverse("assessments:remind", args=[assessment.pk])
    response = owner_client.post(url, follow=True)
    assert "2 people were reminded by e-mail." in response.content.decode()
    assert len(mail.outbox) == 2
    again = owner_client.post(url, follow=True).content.decode()
    assert "Nobody was reminded" in again
    assert len(mail.outbox) == 2
    assert owner_client.get(url).status_code == 405


def test_only_the_owner_may_remind(client, assessment, organization):
    _invite(assessment, "a@example.com")
    url = reverse("assessments:remind", args=[assessment.pk])
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    manager = MembershipFactory(organization=organization, role=Membership.Role.MANAGER)
    client.force_login(manager.user)
    assert client.post(url).status_code == 403
    assert mail.outbox == []


def test_a_reminder_without_csrf_token_is_refused(owner, assessment):
    _invite(assessment, "a@example.com")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(reverse("assessments:remind", args=[assessment.pk])).status_code == 403
    assert mail.outbox == []


def test_the_owner_sets_the_automatic_reminder_and_bad_values_are_explained(
    owner_client, assessment
):
    url = reverse("assessments:edit", args=[assessment.pk])
    refused = owner_client.post(url, {"remind_after_days": "0"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "is-invalid" in page
    assert "Enter at least 1 day, or leave it empty." in page
    assert owner_client.post(url, {"remind_after_days": "5"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.remind_after_days == 5
    page = owner_client.get(assessment.get_absolute_url()).content.decode()
    assert "once, 5 days after each invitation" in page


def test_an_outsider_cannot_see_or_change_the_schedule(client, assessment):
    client.force_login(UserFactory())
    url = reverse("assessments:edit", args=[assessment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"remind_after_days": "5"}).status_code == 404


def test_a_new_cycle_can_start_with_an_automatic_reminder(owner_client, organization, default_bank):
    response = owner_client.post(
        reverse("assessments:assessment_create", args=[organization.pk]),
        {"label": "2027-Q1", "remind_after_days": "4"},
    )
    assert response.status_code == 302
    assert organization.assessments.get(label="2027-Q1").remind_after_days == 4
