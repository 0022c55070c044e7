"""Fixtures of the report tests: an answered, closed assessment and a built report."""

import pytest

from reports.models import Report
from tests.scenarios import answered_assessment, report_ready


@pytest.fixture(autouse=True)
def _private_media(media_root):
    """Give every test its own media folder, so it sees only the PDFs it made."""


@pytest.fixture
def assessment(default_bank):
    """Return a closed assessment: 1 owner, 1 manager and 4 staff submitted their answers."""
    return answered_assessment(default_bank)


@pytest.fixture
def built_report(assessment) -> Report:
    """Return the assessment's report, built in this process."""
    return report_ready(assessment)
