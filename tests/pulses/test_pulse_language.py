"""A pulse link speaks the language the owner chose for the person's invitation, else the
organization's; the person's own choice on the page wins."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessments.models import Invitation
from organizations.models import Organization
from pulses.models import PulseLink
from pulses.services import pulse_cadence_set, pulses_open_due
from tests.pulses.conftest import STAFF, tokens_mailed

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def test_the_pulse_follows_the_invitation_then_the_organization(cycle, organization):
    Organization.objects.filter(pk=organization.pk).update(language="de")
    Invitation.objects.filter(assessment=cycle, email=STAFF[0]).update(language="fr")
    pulse_cadence_set(organization=organization, cadence="monthly")
    mail.outbox.clear()
    pulses_open_due()
    assert PulseLink.objects.get(email=STAFF[0]).language == "fr"
    assert PulseLink.objects.get(email=STAFF[1]).language == ""
    sent = {message.to[0]: message for message in mail.outbox}
    assert sent[STAFF[0]].extra_headers["Content-Language"] == "fr"
    assert sent[STAFF[1]].extra_headers["Content-Language"] == "de"

    tokens = tokens_mailed()
    french = Client(HTTP_ACCEPT_LANGUAGE="es")
    url = reverse("pulses:respond", args=[tokens[STAFF[0]]])
    assert _lang(french.get(url)) == "fr"
    assert _lang(Client().get(reverse("pulses:respond", args=[tokens[STAFF[1]]]))) == "de"
    french.post(reverse("set_language"), {"language": "es", "next": url})
    assert _lang(french.get(url)) == "es"
