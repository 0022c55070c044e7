"""Fixtures of the report tests: an answered, closed assessment and a built report."""

import pytest

from reports.models import Report
from reports.services import report_build, report_request
from tests.reports.builders import answered_assessment


@pytest.fixture
def assessment(default_bank):
    """Return a closed assessment: 1 owner, 1 manager and 4 staff submitted their answers."""
    return answered_assessment(default_bank)


@pytest.fixture
def built_report(assessment) -> Report:
    """Return the assessment's report, built in this process."""
    report = report_request(assessment=assessment, enqueue=False)
    built = report_build(report_id=report.pk)
    assert built is not None
    assert built.status == Report.Status.READY, built.error
    return built


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Give every test its own media folder, so it sees only the PDFs it made."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
