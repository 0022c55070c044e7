"""Issue #20 item 9: CR/LF in an organization's name no longer stops the mails that name it."""

import pytest
from django.core import mail

from assessments.services.invitations import invitations_create
from assessments.services.reminders import reassessment_reminders_send
from consultants.services.access import consultant_grant
from organizations.models import Level, Membership
from organizations.services import member_invite
from tests.assessments.factories import AssessmentFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NAME = "Crumb\r\nBcc: victim@example.com\u2028& Co"
CLEAN = "Crumb Bcc: victim@example.com & Co"


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def owner_membership(db):
    return MembershipFactory(organization__name=NAME, role=Membership.Role.OWNER)


def _one_clean_mail(to: str) -> None:
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [to]
    assert CLEAN in message.subject
    assert message.bcc == []
    wire = message.message()  # what the backend would send
    assert wire.get_all("Bcc") is None
    assert "\n" not in str(wire["Subject"]).replace("\n ", "")  # folded, never split


def test_a_respondent_invitation_goes_out(owner_membership, default_bank):
    cycle = AssessmentFactory(organization=owner_membership.organization, bank=default_bank)
    batch = invitations_create(
        assessment=cycle, entries=[("staff@example.com", Level.STAFF)], site_url="http://x/"
    )
    _one_clean_mail("staff@example.com")
    (invitation,) = cycle.invitations.all()
    assert invitation.sent_at is not None, batch


def test_a_consultant_grant_mail_goes_out(owner_membership):
    _grant, mailed = consultant_grant(
        organization=owner_membership.organization,
        email="consultant@firm.example",
        granted_by=owner_membership.user,
        site_url="http://x/",
    )
    assert mailed
    _one_clean_mail("consultant@firm.example")


def test_a_new_member_mail_goes_out(owner_membership):
    member_invite(
        organization=owner_membership.organization,
        email="manager@example.com",
        role=Membership.Role.MANAGER,
        invited_by=owner_membership.user,
        site_url="http://x/",
    )
    _one_clean_mail("manager@example.com")


def test_a_reassessment_reminder_goes_out(owner_membership, default_bank):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Assessment

    cycle = AssessmentFactory(
        organization=owner_membership.organization,
        bank=default_bank,
        status=Assessment.Status.SCORED,
    )
    Assessment.objects.filter(pk=cycle.pk).update(created_at=timezone.now() - timedelta(days=200))
    assert reassessment_reminders_send(now=timezone.now()) == 1
    _one_clean_mail(owner_membership.user.email)


def test_the_organization_keeps_its_name_as_typed(owner_membership):
    assert owner_membership.organization.name == NAME
    assert owner_membership.organization.mail_name == CLEAN
