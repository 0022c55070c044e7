"""Reports are dated in their organization's zone: the engine's day, the PDF's footer, the mail."""

from datetime import UTC, date, datetime

import pytest

from assessments.models import Assessment
from reports import pdf as pdf_module
from reports.services import assessment_engine_input
from tests.scenarios import answered_assessment, report_ready

pytestmark = pytest.mark.django_db

# 03:00 UTC on 1 December is still 30 November (22:00) in New York.
LATE_EVENING_IN_NEW_YORK = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def new_york_cycle(default_bank):
    assessment = answered_assessment(default_bank)
    organization = assessment.organization
    organization.time_zone = "America/New_York"
    organization.save(update_fields=["time_zone"])
    Assessment.objects.filter(pk=assessment.pk).update(closed_at=LATE_EVENING_IN_NEW_YORK)
    assessment.refresh_from_db()
    return assessment


def test_the_engine_assesses_on_the_organizations_day(new_york_cycle):
    data = assessment_engine_input(assessment=new_york_cycle)
    assert data.assessed_on == date(2026, 11, 30)


def test_the_pdf_is_rendered_in_the_organizations_zone(new_york_cycle, media_root, monkeypatch):
    pages: list[str] = []

    def capture(html, **_kwargs):
        pages.append(html)
        return b"%PDF-1.7 stand-in"

    # The HTML is what carries the dates; rendering it to PDF would only cost seconds here.
    monkeypatch.setattr(pdf_module, "pdf_engine_problem", lambda: None)
    monkeypatch.setattr(pdf_module, "html_to_pdf", capture)
    report_ready(new_york_cycle)
    [html] = pages
    assert "generated" in html
    footer = html.split('class="running-footer"', 1)[1].split("</div>", 1)[0]
    assert footer.rstrip().endswith(("EST", "EDT")), footer
