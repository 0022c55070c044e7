"""Fixtures of the consultant-access and portfolio tests."""

import pytest

from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@bakery.example")


@pytest.fixture
def organization(owner):
    return MembershipFactory(user=owner, organization__name="Crumb & Co").organization


@pytest.fixture
def consultant(db):
    return UserFactory(email="ada@advice.example")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Give every test its own media folder for report PDFs."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
