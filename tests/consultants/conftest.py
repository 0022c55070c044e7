"""Fixtures of the consultant tests: the consultant, and a private media folder for every test."""

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _private_media(media_root):
    """Give every test its own media folder for report PDFs."""


@pytest.fixture
def consultant(db):
    return UserFactory(email="ada@advice.example")
