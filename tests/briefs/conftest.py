"""Fixtures of the brief tests: a scored cycle with invitees, and its published brief."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from assessments.models import Assessment
from organizations.models import Level
from tests.accounts.factories import UserFactory
from tests.assessments.factories import AssessmentFactory, InvitationFactory
from tests.organizations.factories import MembershipFactory
from tests.reports.factories import ActionItemFactory, ReportFactory
from tests.scenarios import owner_of

LINK = re.compile(r"https?://\S+/brief/(\S+)/")


@pytest.fixture
def links_inline(monkeypatch):
    """Send the links in this process when the publish commits, as the worker would."""
    from briefs import services

    def inline(*, brief_id: int) -> bool:
        services.brief_links_send(brief_id=brief_id, site_url="http://testserver")
        return True

    monkeypatch.setattr(services, "brief_links_enqueue", inline)


@pytest.fixture
def scored(db):
    """A scored cycle of "Crumb & Co" (ready report, three-item plan) with two managers and
    four staff invited by e-mail. Built from factories: the brief reads only these rows."""
    owner = UserFactory(email="owner@bakery.example")
    organization = MembershipFactory(user=owner, organization__name="Crumb & Co").organization
    assessment = AssessmentFactory(
        organization=organization,
        label="2026-Q4",
        status=Assessment.Status.SCORED,
        closed_at=timezone.now(),
    )
    ReportFactory(assessment=assessment, band="partially_aligned", alignment_index=58.4)
    for position, (title, who) in enumerate(
        [
            ("Prep the dough the evening before", "Mia"),
            ("Count waste daily", ""),
            ("Post the rota", "Tom"),
        ]
    ):
        ActionItemFactory(assessment=assessment, position=position, title=title, assignee=who)
    for n in range(2):
        InvitationFactory(assessment=assessment, level=Level.MANAGER, email=f"m{n}@crumb.example")
    for n in range(4):
        InvitationFactory(assessment=assessment, level=Level.STAFF, email=f"s{n}@crumb.example")
    return assessment


@pytest.fixture
def owner_user(scored):
    return owner_of(scored)


@pytest.fixture
def published(scored, owner_user, links_inline, django_capture_on_commit_callbacks):
    """Publish the cycle's brief; return (brief, {email: token}) from the mails sent."""
    from briefs.services import brief_prepare, brief_publish

    brief = brief_prepare(assessment=scored)
    brief.note = "Thank you all. Mornings come first."
    brief.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        brief_publish(brief=brief, user=owner_user)
    tokens = {message.to[0]: LINK.search(message.body)[1] for message in mail.outbox}
    return brief, tokens
