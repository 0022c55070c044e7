"""Owners can copy each personal link when it is created, to send it by chat."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import Invitation
from assessments.services import invitations

pytestmark = pytest.mark.django_db


def _url(assessment):
    return reverse("assessments:invitations", args=[assessment.pk])


def _tokens(text):
    return re.findall(r"/respond/([A-Za-z0-9_-]{20,})/", text)


def test_each_new_link_is_shown_once_to_copy(owner_client, assessment):
    response = owner_client.post(
        _url(assessment), {"managers": "ana@example.com", "staff": "sam@example.com"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    mailed = {message.to[0]: _tokens(message.body)[0] for message in mail.outbox}
    for email, token in mailed.items():
        invitation = Invitation.objects.get(email=email)
        # A read-only field with the link, labelled with the address, and a copy button for it.
        assert re.search(
            rf'<label[^>]*for="link-{invitation.pk}"[^>]*>Link for {re.escape(email)}', page
        )
        assert f'id="link-{invitation.pk}" value="http://testserver/app/respond/{token}/"' in page
        assert f'data-copy-target="link-{invitation.pk}"' in page
        assert f'aria-label="Copy the link for {email}"' in page
    assert "js/copy_link" in page
    # Only hashes are stored: the links are not shown again on a later visit.
    later = owner_client.get(_url(assessment)).content.decode()
    assert not set(mailed.values()) & set(_tokens(later))


def test_a_link_whose_mail_failed_can_still_be_copied(owner_client, assessment, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(invitations, "send_mail", broken)
    response = owner_client.post(_url(assessment), {"staff": "sam@example.com"})
    page = response.content.decode()
    [token] = set(_tokens(page))
    assert invitations.invitation_resolve(token=token).email == "sam@example.com"
    assert "e-mail not sent" in page
    assert "Copy their links below" in page


def test_a_resend_whose_mail_failed_still_gives_the_new_link(owner_client, assessment, monkeypatch):
    owner_client.post(_url(assessment), {"staff": "sam@example.com"})
    invitation = Invitation.objects.get()

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(invitations, "send_mail", broken)
    response = owner_client.post(
        reverse("assessments:invitation_resend", args=[assessment.pk, invitation.pk])
    )
    [token] = set(_tokens(response.content.decode()))
    assert invitations.invitation_resolve(token=token).pk == invitation.pk
    assert "could not be sent; copy the new link below" in response.content.decode()
