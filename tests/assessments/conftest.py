"""Fixtures for the owner's and respondents' journeys: an organization with a strategy and an
open cycle on the default bank, its owner, and a second, unrelated bank."""

import pytest

from assessments.services.cycles import assessment_start
from banks.models import Area, Dimension, Question, QuestionBank
from organizations.services import strategy_save
from tests.factories import MembershipFactory, UserFactory


def build_bank(*, slug: str, status: str = QuestionBank.Status.PUBLISHED) -> QuestionBank:
    """Create a small bank straight in the database: two dimensions, one area, two questions."""
    # Built as a draft (only a draft takes new rows), then given its status.
    bank = QuestionBank.objects.create(slug=slug, version=1, title=f"Bank {slug}")
    for d_pos, code in enumerate(("market", "operational")):
        dimension = Dimension.objects.create(
            bank=bank, code=code, title=code.title(), position=d_pos
        )
        area = Area.objects.create(dimension=dimension, code=f"{code}.a", title="Area", position=0)
        for q_pos in range(2):
            Question.objects.create(
                area=area,
                code=f"{code}.a.q{q_pos}",
                text=f"Statement {code} {q_pos}",
                position=q_pos,
                target_operational_excellence=4,
                target_product_leadership=3,
                target_customer_intimacy=5,
                action_title="Do it",
                action_specific="Do it well",
                action_kpi="Things done",
                action_unit="things",
                action_owner_role="Owner",
                action_effort=2,
                action_effort_days=2,
                action_duration_weeks=2,
            )
    QuestionBank.objects.filter(pk=bank.pk).update(status=status)
    bank.refresh_from_db()
    return bank


@pytest.fixture
def other_bank(db):
    """Return an unrelated published bank: its questions belong to no assessment here."""
    return build_bank(slug="other-bank")


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com")


@pytest.fixture
def organization(owner):
    organization = MembershipFactory(user=owner).organization
    strategy_save(
        organization=organization,
        target_customers="Families nearby",
        segment="budget-conscious families",
        primary_value="price",
        value_discipline="operational_excellence",
        goals="",
    )
    return organization


@pytest.fixture
def assessment(organization, owner, default_bank):
    """Return an open cycle on the default bank."""
    return assessment_start(organization=organization, user=owner, label="2026-Q4")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
