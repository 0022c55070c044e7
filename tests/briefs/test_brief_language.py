"""A brief's link speaks the language chosen for the reader's invitation, else the
organization's; the reader's own choice on the page wins."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessments.models import Invitation
from organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def languages(scored):
    Organization.objects.filter(pk=scored.organization_id).update(language="es")
    Invitation.objects.filter(assessment=scored, email="s0@crumb.example").update(language="de")


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def test_the_brief_follows_the_invitation_then_the_organization(languages, published):
    _brief, tokens = published
    sent = {message.to[0]: message for message in mail.outbox}
    assert sent["s0@crumb.example"].extra_headers["Content-Language"] == "de"
    assert sent["s1@crumb.example"].extra_headers["Content-Language"] == "es"
    reader = Client(HTTP_ACCEPT_LANGUAGE="fr")
    url = reverse("briefs:read", args=[tokens["s0@crumb.example"]])
    assert _lang(reader.get(url)) == "de"
    other = reverse("briefs:read", args=[tokens["s1@crumb.example"]])
    assert _lang(Client(HTTP_ACCEPT_LANGUAGE="fr").get(other)) == "es"
    reader.post(reverse("set_language"), {"language": "fr", "next": url})
    assert _lang(reader.get(url)) == "fr"
