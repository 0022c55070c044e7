"""Shared fixtures: the default bank in the database, users and organizations, the browser."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright drives the browser from an event loop; the ORM calls in those tests are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BANK = ROOT / "banks" / "default.yaml"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(autouse=True)
def celery_current_app_kept():
    """Fail the test that leaves another Celery app current: tasks would publish through it."""
    from celery import current_app

    before = current_app._get_current_object()
    yield
    after = current_app._get_current_object()
    assert after is before, f"the current Celery app changed from {before.main} to {after.main}"


@pytest.fixture
def default_bank(db):
    """Load the default question bank (published) and return its QuestionBank row."""
    from banks.services import bank_import
    from scoring.bank import load_bank_yaml

    bank = load_bank_yaml(DEFAULT_BANK.read_text(encoding="utf-8"), source=str(DEFAULT_BANK))
    return bank_import(bank=bank, publish=True)


@pytest.fixture
def artifacts_dir() -> Path:
    """Return the folder where browser tests leave screenshots to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium: Playwright's own browser download is not possible here."""
    path = _chromium_path()
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }
