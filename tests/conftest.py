"""Shared fixtures: the default bank in the database, an owner's organization with an open cycle,
media and PDF switches, and checks that every test leaves the process as it found it."""

import os
from pathlib import Path

import pytest

from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory

# Playwright drives the browser from an event loop; the ORM calls in those tests are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BANK = ROOT / "banks" / "default.yaml"
ARTIFACTS = ROOT / "test-artifacts"
BROWSER_FIXTURES = {"page", "browser", "context"}


def pytest_collection_modifyitems(config, items):
    """Refuse a browser test outside tests/e2e or without the `e2e` marker."""
    e2e_folder = Path(__file__).resolve().parent / "e2e"
    for item in items:
        if not BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue
        if item.get_closest_marker("e2e") is None or e2e_folder not in item.path.parents:
            raise pytest.UsageError(f"{item.nodeid} drives a browser: mark it e2e, in tests/e2e/")


@pytest.fixture(autouse=True)
def celery_current_app_kept():
    """Fail the test that leaves another Celery app current: tasks would publish through it."""
    from celery import current_app

    before = current_app._get_current_object()
    yield
    after = current_app._get_current_object()
    assert after is before, f"the current Celery app changed from {before.main} to {after.main}"


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """Leave English active after a test: a request in German leaves German on the thread."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _no_leftover_rate_limits():
    """Start every test with empty rate-limit counters, so no test is locked out by another."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def admin_user(db, django_user_model, django_username_field):
    """pytest-django's admin, with a verified address and an authenticator app set up."""
    from tests.accounts.factories import StaffUserFactory

    return StaffUserFactory(username="admin", email="admin@example.com", is_superuser=True)


@pytest.fixture
def media_root(settings, tmp_path):
    """Give the test its own media folder, so it sees only the PDFs it made."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def no_pdf(monkeypatch):
    """Build reports without rendering a PDF, where the test never reads it (it costs seconds)."""
    from reports import pdf

    monkeypatch.setattr(pdf, "pdf_engine_problem", lambda: "PDFs are not built in these tests")


@pytest.fixture
def artifacts_dir() -> Path:
    """Return the folder where browser and worker tests leave screenshots and logs to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def default_bank(db):
    """Load the default question bank (published) and return its QuestionBank row."""
    from banks.services import bank_import
    from scoring.bank import load_bank_yaml

    bank = load_bank_yaml(DEFAULT_BANK.read_text(encoding="utf-8"), source=str(DEFAULT_BANK))
    return bank_import(bank=bank, publish=True)


@pytest.fixture
def other_bank(db):
    """Return an unrelated published bank: its questions belong to no assessment here."""
    from tests.scenarios import small_bank

    return small_bank(slug="other-bank")


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com")


@pytest.fixture
def organization(owner):
    """Return the owner's organization, "Crumb & Co", with its strategy saved."""
    from organizations.services import strategy_save

    organization = MembershipFactory(user=owner, organization__name="Crumb & Co").organization
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
    """Return an open cycle of the owner's organization on the default bank."""
    from assessments.services.cycles import assessment_start

    return assessment_start(organization=organization, user=owner, label="2026-Q4")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
