"""Invitations: personal, expiring, single-use links for respondents without an account."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Invitation, Response
from assessments.selectors import participation
from assessments.services import cycles, invitations
from banks.models import Question
from organizations.models import Level
from tests.assessments.factories import submitted_response

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SITE = "http://testserver/"


def invite(assessment, *entries):
    """Invite (email, level) pairs and return their tokens from the e-mails, in order."""
    start = len(mail.outbox)
    invitations.invitations_create(assessment=assessment, entries=entries, site_url=SITE)
    return [link_token(message.body) for message in mail.outbox[start:]]


def link_token(body):
    return re.search(r"/respond/([A-Za-z0-9_-]+)/", body).group(1)


def first_question(assessment):
    return Question.objects.filter(area__dimension__bank=assessment.bank).order_by(
        "area__dimension__position", "area__position", "position"
    )[0]


def respond_url(token, name="respond", *args):
    return reverse(f"assessments:{name}", args=[token, *args])


def test_owner_invites_by_level_and_each_gets_a_personal_link(owner_client, assessment):
    response = owner_client.post(
        reverse("assessments:invitations", args=[assessment.pk]),
        {
            "managers": "Mia@Example.com",
            "staff": "sam@example.com, tom@example.com\numa@example.com",
        },
    )
    assert response.status_code == 200  # the new links are shown once, to copy
    levels = dict(Invitation.objects.values_list("email", "level"))
    assert levels == {
        "mia@example.com": Level.MANAGER,
        "sam@example.com": Level.STAFF,
        "tom@example.com": Level.STAFF,
        "uma@example.com": Level.STAFF,
    }
    assert len(mail.outbox) == 4
    assert {m.to[0] for m in mail.outbox} == set(levels)
    tokens = {link_token(m.body) for m in mail.outbox}
    assert len(tokens) == 4
    for token in tokens:
        assert owner_client.get(respond_url(token)).status_code == 200


def test_only_a_hash_of_the_token_is_stored(assessment):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    invitation = Invitation.objects.get()
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(Invitation.objects.values()))
    assert invitation.sent_at is not None


def test_links_expire_after_the_configured_number_of_days(assessment, settings):
    settings.INVITATION_TTL_DAYS = 3
    invite(assessment, ("sam@example.com", Level.STAFF))
    expires = Invitation.objects.get().expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < expires <= timedelta(days=3)


def test_inviting_an_address_twice_keeps_one_active_invitation(owner_client, assessment):
    invite(assessment, ("sam@example.com", Level.STAFF))
    batch = invitations.invitations_create(
        assessment=assessment, entries=[("sam@example.com", Level.STAFF)], site_url=SITE
    )
    assert batch.skipped == ["sam@example.com"]
    assert Invitation.objects.count() == 1


def test_bad_addresses_are_reported_and_nobody_is_invited(owner_client, assessment):
    response = owner_client.post(
        reverse("assessments:invitations", args=[assessment.pk]),
        {"managers": "", "staff": "sam@example.com, not-an-address"},
    )
    assert response.status_code == 200
    assert "Not an e-mail address: not-an-address" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_respondent_sees_current_practice_only_and_saves(client, assessment):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    page = client.get(respond_url(token, "respond_step", "market"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "What our strategy needs" not in body
    assert 'name="target"' not in body
    question = first_question(assessment)
    saved = client.post(
        respond_url(token, "respond_save"), {"question": question.pk, "current": "2"}, **HTMX
    )
    assert saved.status_code == 200
    answer = Answer.objects.get()
    assert (answer.current, answer.response.level) == (2, Level.STAFF)
    assert answer.response.user is None
    assert answer.response.invitation.email == "sam@example.com"
    refused = client.post(
        respond_url(token, "respond_save"),
        {"question": question.pk, "current": "4", "target": "5"},
        **HTMX,
    )
    assert refused.status_code == 422
    assert Answer.objects.get().current == 2


def test_respondent_comes_back_submits_and_the_link_is_then_used(client, assessment):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    question = first_question(assessment)
    client.post(respond_url(token, "respond_save"), {"question": question.pk, "current": "4"})
    again = client.get(respond_url(token, "respond_step", "market")).content.decode()
    assert f'id="q{question.pk}-c4" value="4" checked' in again
    done = client.post(respond_url(token, "respond_submit"))
    assert done.status_code == 302
    assert done["Location"] == reverse("assessments:respond_thanks")
    assert Response.objects.get().submitted_at is not None
    for url in (respond_url(token), respond_url(token, "respond_step", "market")):
        used = client.get(url)
        assert used.status_code == 410
        assert "submitted already" in used.content.decode()
    late = client.post(
        respond_url(token, "respond_save"), {"question": question.pk, "current": "1"}, **HTMX
    )
    assert late.status_code == 410
    assert Answer.objects.get().current == 4


@pytest.mark.parametrize(
    ("state", "status", "text"),
    [
        ("expired", 410, "has expired"),
        ("revoked", 410, "withdrawn"),
        ("closed", 410, "closed"),
        ("tampered", 404, "do not recognise"),
        ("truncated", 404, "do not recognise"),
        ("oversized", 404, "do not recognise"),
    ],
)
def test_dead_links_get_a_clear_page_never_a_500(client, assessment, state, status, text):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    invitation = Invitation.objects.get()
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    elif state == "revoked":
        invitations.invitation_revoke(invitation=invitation)
    elif state == "closed":
        somebody = submitted_response(assessment)  # a cycle closes once someone submitted
        cycles.assessment_close(assessment=assessment)
        somebody.delete()
    elif state == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif state == "truncated":
        token = token[:20]
    elif state == "oversized":
        token = token * 10
    for url in (
        respond_url(token),
        respond_url(token, "respond_step", "market"),
        respond_url(token, "respond_review"),
    ):
        page = client.get(url)
        assert page.status_code == status, url
        assert text in page.content.decode()
    post = client.post(respond_url(token, "respond_submit"))
    assert post.status_code == status
    assert not Response.objects.filter(submitted_at__isnull=False).exists()


def test_resend_issues_a_new_link_and_the_old_one_stops_working(owner_client, client, assessment):
    (old,) = invite(assessment, ("sam@example.com", Level.STAFF))
    question = first_question(assessment)
    client.post(respond_url(old, "respond_save"), {"question": question.pk, "current": "3"})
    invitation = Invitation.objects.get()
    response = owner_client.post(
        reverse("assessments:invitation_resend", args=[assessment.pk, invitation.pk])
    )
    assert response.status_code == 200  # the page shows the new link once, to copy
    new = link_token(mail.outbox[-1].body)
    assert f"/respond/{new}/" in response.content.decode()
    assert new != old
    assert client.get(respond_url(old)).status_code == 404
    page = client.get(respond_url(new, "respond_step", "market")).content.decode()
    assert f'id="q{question.pk}-c3" value="3" checked' in page  # answers survive a resend


def test_revoke_stops_the_link_and_its_answers_do_not_count(owner_client, client, assessment):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    question = first_question(assessment)
    client.post(respond_url(token, "respond_save"), {"question": question.pk, "current": "3"})
    invitation = Invitation.objects.get()
    owner_client.post(reverse("assessments:invitation_revoke", args=[assessment.pk, invitation.pk]))
    assert client.get(respond_url(token)).status_code == 410
    staff = next(row for row in _participation(assessment) if row.level == "staff")
    assert (staff.invited, staff.started, staff.submitted) == (0, 0, 0)


def test_submitted_invitations_can_neither_be_resent_nor_revoked(assessment, client):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    client.post(
        respond_url(token, "respond_save"),
        {"question": first_question(assessment).pk, "current": "3"},
    )
    client.post(respond_url(token, "respond_submit"))
    invitation = Invitation.objects.get()
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_resend(invitation=invitation, site_url=SITE)
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_revoke(invitation=invitation)


def _participation(assessment):

    return participation(assessment=assessment)


def test_owner_sees_counts_per_level_never_answers(owner_client, client, assessment):
    tokens = invite(
        assessment,
        ("mia@example.com", Level.MANAGER),
        ("sam@example.com", Level.STAFF),
        ("tom@example.com", Level.STAFF),
    )
    question = first_question(assessment)
    for token, comment in zip(tokens[:2], ("secret-one", "secret-two"), strict=True):
        client.post(
            respond_url(token, "respond_save"),
            {"question": question.pk, "current": "1", "comment": comment},
        )
    client.post(respond_url(tokens[1], "respond_submit"))
    counts = {
        row.level: (row.invited, row.started, row.submitted) for row in _participation(assessment)
    }
    assert counts == {"owner": (0, 0, 0), "manager": (1, 1, 0), "staff": (2, 0, 1)}
    for name in ("invitations", "assessment"):
        body = owner_client.get(
            reverse(f"assessments:{name}", args=[assessment.pk])
        ).content.decode()
        assert "secret-" not in body
    assert (
        "Submitted"
        in owner_client.get(
            reverse("assessments:invitations", args=[assessment.pk])
        ).content.decode()
    )


def test_a_failing_mail_server_leaves_the_invitation_unsent(assessment, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(invitations, "send_mail", broken)
    batch = invitations.invitations_create(
        assessment=assessment, entries=[("sam@example.com", Level.STAFF)], site_url=SITE
    )
    assert batch.failed == ["sam@example.com"]
    assert Invitation.objects.get().sent_at is None
