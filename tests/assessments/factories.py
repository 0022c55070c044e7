"""Factories of cycles, invitations, responses and answers."""

from datetime import timedelta

import factory
from django.utils import timezone

from assessments.models import Answer, Assessment, Invitation, Response
from assessments.services.invitations import token_digest
from banks.models import QuestionBank
from organizations.models import Level
from tests.banks.factories import QuestionBankFactory, QuestionFactory
from tests.organizations.factories import OrganizationFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A cycle; pass `bank=` (the default_bank fixture) for one with real questions."""

    class Meta:
        model = Assessment

    organization = factory.SubFactory(OrganizationFactory)
    bank = factory.SubFactory(QuestionBankFactory, status=QuestionBank.Status.PUBLISHED)
    label = factory.Sequence(lambda n: f"2026-Q{n % 4 + 1}-{n}")
    status = Assessment.Status.OPEN
    strategy_snapshot = factory.LazyFunction(
        lambda: {
            "target_customers": "Local families",
            "segment": "budget-conscious families",
            "primary_value": "price",
            "value_discipline": "operational_excellence",
            "goals": "",
        }
    )


class InvitationFactory(factory.django.DjangoModelFactory):
    """A respondent's invitation; `token=` is the secret of the link, only its hash is stored."""

    class Meta:
        model = Invitation
        exclude = ("token",)

    assessment = factory.SubFactory(AssessmentFactory)
    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    level = Level.STAFF
    token = factory.Sequence(lambda n: f"invitation-token-{n:032d}")
    token_hash = factory.LazyAttribute(lambda invitation: token_digest(invitation.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    assessment = factory.SubFactory(AssessmentFactory)
    level = Level.STAFF


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    current = 3


def submitted_response(assessment: Assessment, *, level: str = Level.STAFF) -> Response:
    """Return a submitted response without answers: a cycle closes only once someone submitted."""
    return ResponseFactory(assessment=assessment, level=level, submitted_at=timezone.now())
