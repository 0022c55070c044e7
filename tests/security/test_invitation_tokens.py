"""Invitation tokens: random enough, stored hashed, bound to one cycle, e-mail and level,
single use and expiring. Complements tests/assessments/test_invitations.py."""

import base64
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Invitation, Response
from assessments.services import cycles, invitations
from banks.models import Question
from organizations.models import Level
from tests.organizations.factories import MembershipFactory, StrategyProfileFactory

pytestmark = pytest.mark.django_db
SITE = "http://testserver/"


def invite(assessment, *entries):
    start = len(mail.outbox)
    invitations.invitations_create(assessment=assessment, entries=entries, site_url=SITE)
    return [re.search(r"/respond/([A-Za-z0-9_-]+)/", m.body).group(1) for m in mail.outbox[start:]]


def questions(assessment):
    return list(
        Question.objects.filter(area__dimension__bank=assessment.bank).order_by(
            "area__dimension__position", "area__position", "position"
        )
    )


def save(client, token, question, **fields):
    return client.post(
        reverse("assessments:respond_save", args=[token]),
        {"question": question.pk, "current": "2", **fields},
        HTTP_HX_REQUEST="true",
    )


def test_tokens_carry_at_least_128_random_bits_from_the_os_generator(assessment, monkeypatch):
    calls = []
    real = invitations.secrets.token_urlsafe

    def spy(nbytes):
        calls.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr(invitations.secrets, "token_urlsafe", spy)
    tokens = invite(assessment, *[(f"p{n}@example.com", Level.STAFF) for n in range(40)])
    assert calls
    assert all(n >= 16 for n in calls)
    assert len(set(tokens)) == 40
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128


def test_no_column_of_the_database_holds_a_token(assessment):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (names from the schema)
            assert token not in repr(cursor.fetchall()), table


def test_a_token_writes_only_into_its_own_cycle_at_its_own_level(client, assessment):
    (token,) = invite(assessment, ("mia@example.com", Level.MANAGER))
    other = MembershipFactory().organization
    StrategyProfileFactory(organization=other)
    other_cycle = cycles.assessment_start(organization=other, user=None, label="other")
    question = questions(assessment)[0]
    page = save(
        client,
        token,
        question,
        level="owner",
        assessment=other_cycle.pk,
        response=999,
    )
    assert page.status_code == 200
    response = Response.objects.get()
    assert response.assessment == assessment
    assert response.level == Level.MANAGER  # from the invitation, never from the request
    assert response.invitation == Invitation.objects.get(email="mia@example.com")
    assert not other_cycle.responses.exists()
    # Only the owner states targets: a respondent's target is refused, beside the question.
    refused = save(client, token, question, target="5")
    assert refused.status_code == 422
    assert "Only the owner" in refused.content.decode()
    assert Answer.objects.get().target is None


def test_a_token_opens_nothing_but_its_questionnaire(client, assessment):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    assert client.get(reverse("assessments:respond", args=[token])).status_code == 200
    for url in (
        reverse("assessments:assessment", args=[assessment.pk]),
        reverse("organizations:organization", args=[assessment.organization.pk]),
        reverse("reports:report", args=[assessment.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("login"))


def test_each_token_resolves_to_its_own_address_and_level(assessment):
    tokens = invite(
        assessment, ("ann@example.com", Level.MANAGER), ("bob@example.com", Level.STAFF)
    )
    resolved = [invitations.invitation_resolve(token=t) for t in tokens]
    assert [(i.email, i.level) for i in resolved] == [
        ("ann@example.com", Level.MANAGER),
        ("bob@example.com", Level.STAFF),
    ]


def test_after_submitting_the_link_neither_saves_nor_submits_again(client, assessment):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    question = questions(assessment)[0]
    assert save(client, token, question, current="4").status_code == 200
    submit = client.post(reverse("assessments:respond_submit", args=[token]))
    assert submit.status_code == 302
    again = save(client, token, question, current="1")
    assert again.status_code == 410
    assert client.post(reverse("assessments:respond_submit", args=[token])).status_code == 410
    assert Answer.objects.get().current == 4


def test_a_link_works_until_the_moment_it_expires(client, assessment):
    (token,) = invite(assessment, ("sam@example.com", Level.STAFF))
    url = reverse("assessments:respond", args=[token])
    now = timezone.now()
    Invitation.objects.update(expires_at=now + timedelta(seconds=30))
    assert client.get(url).status_code == 200
    Invitation.objects.update(expires_at=now - timedelta(seconds=1))
    assert client.get(url).status_code == 410
    question = questions(assessment)[0]
    assert save(client, token, question).status_code == 410
    assert not Answer.objects.exists()


def test_a_resend_replaces_the_token_and_keeps_the_binding(client, assessment):
    (old,) = invite(assessment, ("sam@example.com", Level.STAFF))
    invitation = Invitation.objects.get()
    start = len(mail.outbox)
    invitations.invitation_resend(invitation=invitation, site_url=SITE)
    new = re.search(r"/respond/([A-Za-z0-9_-]+)/", mail.outbox[start].body).group(1)
    assert new != old
    assert client.get(reverse("assessments:respond", args=[old])).status_code == 404
    assert invitations.invitation_resolve(token=new).pk == invitation.pk
