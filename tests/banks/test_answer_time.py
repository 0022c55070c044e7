"""One time estimate, computed from the bank's question count, everywhere it is shown."""

import pytest
from django.core import mail

from assessments.services import invitations
from banks.selectors import answer_minutes, bank_answer_minutes
from organizations.models import Level

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("questions", "minutes"), [(1, 5), (25, 5), (26, 10), (64, 15), (100, 20)])
def test_twelve_seconds_a_question_rounded_up_to_five_minutes(questions, minutes):
    assert answer_minutes(question_count=questions) == minutes


def test_the_home_page_and_the_invitation_say_the_same_time(client, assessment, default_bank):
    minutes = bank_answer_minutes(bank=default_bank)
    assert minutes == 15  # 64 questions
    home = client.get("/").content.decode()
    assert f"about {minutes} minutes" in home
    assert "an hour" not in home

    invitations.invitations_create(
        assessment=assessment, entries=[("sam@example.com", Level.STAFF)], site_url="http://x/"
    )
    [message] = mail.outbox
    assert f"a {minutes}-minute questionnaire" in message.subject
    assert f"takes about {minutes} minutes" in message.body


def test_a_shorter_bank_gets_a_shorter_estimate_in_its_invitations(owner, organization):
    from assessments.services.cycles import assessment_start
    from tests.scenarios import small_bank

    bank = small_bank(slug="smb-alignment")
    assessment = assessment_start(organization=organization, user=owner, label="short")
    assert assessment.bank == bank
    minutes = bank_answer_minutes(bank=bank)
    assert minutes < 15
    invitations.invitations_create(
        assessment=assessment, entries=[("sam@example.com", Level.STAFF)], site_url="http://x/"
    )
    assert f"takes about {minutes} minutes" in mail.outbox[0].body
