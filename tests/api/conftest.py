"""Fixtures of the API tests: a scored client, the people around it, and token clients."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.tokens import api_token_create
from assessments.models import Assessment
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory
from tests.scenarios import answered_assessment, consultant_for, owner_of, report_ready


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    """Rate-limit counts live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scored(default_bank, no_pdf) -> Assessment:
    """Return a closed cycle of "Crumb & Co" with a ready report and its action plan."""
    assessment = answered_assessment(default_bank)
    report_ready(assessment)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def owner(scored):
    """Return the owner of the scored cycle's organization (not the shared `owner`)."""
    return owner_of(scored)


@pytest.fixture
def consultant(scored):
    return consultant_for(scored)


@pytest.fixture
def manager(scored):
    return MembershipFactory(
        organization=scored.organization,
        user=UserFactory(email="manager@bakery.example"),
        role=Membership.Role.MANAGER,
    ).user


@pytest.fixture
def outsider(default_bank):
    """Return the owner of another business, with a scored-looking cycle of their own."""
    return UserFactory(email="owner@elsewhere.example")


def token_client(user) -> APIClient:
    """Return a client that authenticates with a fresh personal token of the user."""
    _row, text = api_token_create(user=user, days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    return client
