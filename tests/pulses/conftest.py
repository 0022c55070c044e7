"""A bakery with a scored cycle (its plan and four invited staff) that is ready for pulses."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from organizations.models import Level
from pulses.services import pulse_cadence_set, pulses_open_due
from tests.assessments.factories import InvitationFactory
from tests.scenarios import scored_cycle

STAFF = [f"staff{n}@crumb.example" for n in range(4)]
TOKEN = re.compile(r"/pulse/([^/\s]+)/")


@pytest.fixture
def cycle(organization, default_bank, no_pdf, media_root):
    """Return the bakery's scored cycle, with four staff invited to it."""
    assessment = scored_cycle(organization, default_bank, label="2026-Q3", days_ago=20)
    for email in STAFF:
        InvitationFactory(assessment=assessment, email=email, level=Level.STAFF)
    return assessment


def tokens_mailed() -> dict[str, str]:
    """Return the pulse token mailed to each address (the newest mail wins)."""
    found = {}
    for message in mail.outbox:
        match = TOKEN.search(message.body)
        if match:
            found[message.to[0]] = match.group(1)
    return found


@pytest.fixture
def opened(cycle, organization):
    """Switch the bakery to monthly pulses, run the beat's opening, return (pulse, tokens)."""
    pulse_cadence_set(organization=organization, cadence="monthly")
    mail.outbox.clear()
    (pulse_id,) = pulses_open_due()
    from pulses.models import Pulse

    return Pulse.objects.get(pk=pulse_id), tokens_mailed()


def later(days: int):
    return timezone.now() + timedelta(days=days)
