"""Build assessments with submitted answers for the report tests."""

from __future__ import annotations

import random

from django.core.files.storage import default_storage
from django.utils import timezone

from assessments.models import Answer, Assessment, Response
from banks.models import Question
from consultants.models import ConsultantAccess
from organizations.models import Level, Membership
from tests.factories import (
    AssessmentFactory,
    MembershipFactory,
    StrategyProfileFactory,
    UserFactory,
)

DEFAULT_LEVELS = {Level.OWNER: 1, Level.MANAGER: 1, Level.STAFF: 4}
# Per dimension: how well the business does, so scores differ between dimensions.
TENDENCY = {"market": 3.4, "operational": 2.4, "financial": 3.8, "organizational": 2.8}


def answered_assessment(
    bank,
    *,
    levels: dict[str, int] | None = None,
    status: str = Assessment.Status.CLOSED,
    seed: int = 7,
    owner_email: str = "owner@bakery.example",
    organization_name: str = "Crumb & Co",
) -> Assessment:
    """Return an assessment of a new organization whose respondents all submitted answers."""
    owner = UserFactory(email=owner_email)
    membership = MembershipFactory(user=owner, organization__name=organization_name)
    organization = membership.organization
    StrategyProfileFactory(organization=organization)
    assessment = AssessmentFactory(
        organization=organization,
        bank=bank,
        label="2026-Q4",
        status=status,
        created_by=owner,
        closed_at=timezone.now() if status != Assessment.Status.OPEN else None,
    )
    questions = list(
        Question.objects.filter(area__dimension__bank=bank).select_related("area__dimension")
    )
    rng = random.Random(seed)
    answers = []
    for level, count in (levels or DEFAULT_LEVELS).items():
        for n in range(count):
            response = Response.objects.create(
                assessment=assessment,
                level=level,
                user=owner if level == Level.OWNER and n == 0 else None,
                submitted_at=timezone.now(),
            )
            lift = 0.7 if level == Level.OWNER else 0.0
            for question in questions:
                centre = TENDENCY[question.area.dimension.code] + lift
                current = max(1, min(5, round(rng.gauss(centre, 0.9))))
                answers.append(Answer(response=response, question=question, current=current))
    Answer.objects.bulk_create(answers)
    return assessment


def owner_of(assessment: Assessment):
    """Return the owner user of the assessment's organization."""
    return Membership.objects.get(
        organization=assessment.organization, role=Membership.Role.OWNER
    ).user


def consultant_for(
    assessment: Assessment, *, email: str = "consultant@advice.example", revoked: bool = False
):
    """Return a consultant user with an accepted grant to the assessment's organization."""
    consultant = UserFactory(email=email)
    ConsultantAccess.objects.create(
        organization=assessment.organization,
        email=email,
        consultant=consultant,
        accepted_at=timezone.now(),
        revoked_at=timezone.now() if revoked else None,
    )
    return consultant


def stored_pdfs() -> list[str]:
    """Return the names of every report PDF in the storage."""
    found = []

    def walk(folder: str) -> None:
        dirs, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{name}" for name in files if name.endswith(".pdf"))
        for sub in dirs:
            walk(f"{folder}/{sub}")

    if default_storage.exists("reports"):
        walk("reports")
    return found
