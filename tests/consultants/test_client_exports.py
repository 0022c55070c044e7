"""One client's exports: results and the action plan as CSV and XLSX, due dates as iCalendar."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from reports.models import ActionItem
from reports.numbers import points
from tests.scenarios import scored_cycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_pdf")]


@pytest.fixture
def cycles(organization, default_bank):
    first = scored_cycle(organization, default_bank, label="2026-Q1", days_ago=200, seed=4)
    second = scored_cycle(
        organization, default_bank, label="2026-Q3", days_ago=20, seed=4, lift=0.6
    )
    return first, second


def _get(client, organization, name, fmt):
    url = reverse(f"clients:{name}", kwargs={"pk": organization.pk, "fmt": fmt})
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_results_csv_has_one_row_per_scored_cycle(owner_client, organization, cycles, default_bank):
    response = _get(owner_client, organization, "results_export", "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="resonance-crumb-co-results.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["Cycle"] for row in rows] == ["2026-Q1", "2026-Q3"]
    for row, cycle in zip(rows, cycles, strict=True):
        report = cycle.report
        # Whole points, halves up: the same figures the pages show.
        assert row["Alignment index"] == str(points(report.alignment_index))
        assert row["Bank version"] == str(default_bank.version)
        market = report.result["dimensions"]["market"]
        assert row["Market alignment (dimension)"] == str(points(market["score"]))
        area = market["areas"]["market.trends"]
        column = f"{area['title']} (market.trends)"
        assert row[column] == str(points(area["score"]))
    assert len(rows[0]) == 5 + 4 + 16  # cycle columns, four dimensions, sixteen areas


def test_results_xlsx_matches_the_csv(owner_client, organization, cycles):
    csv_rows = list(
        csv.reader(
            io.StringIO(_get(owner_client, organization, "results_export", "csv").content.decode())
        )
    )
    response = _get(owner_client, organization, "results_export", "xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Results"]
    xlsx_rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert xlsx_rows[0] == csv_rows[0]
    assert [row[0] for row in xlsx_rows[1:]] == ["2026-Q1", "2026-Q3"]
    assert xlsx_rows[2][3] == pytest.approx(float(csv_rows[2][3]))


def test_action_plan_csv_and_xlsx_carry_status_and_notes(owner_client, organization, cycles):
    item = cycles[1].action_items.order_by("position").first()
    ActionItem.objects.filter(pk=item.pk).update(
        status=ActionItem.Status.IN_PROGRESS,
        assignee="=HYPERLINK(1)",  # text a spreadsheet would run as a formula
        progress_note="Weekly check started",
        consultant_note="Ask the supplier, first",
    )
    count = cycles[1].action_items.count()
    rows = list(
        csv.DictReader(
            io.StringIO(_get(owner_client, organization, "actions_export", "csv").content.decode())
        )
    )
    assert len(rows) == count  # the latest cycle's plan only
    assert {row["Cycle"] for row in rows} == {"2026-Q3"}
    first = rows[0]
    assert first["Action"] == item.title
    assert first["Status"] == "In progress"
    assert first["Assigned to"] == "'=HYPERLINK(1)"
    assert first["Consultant note"] == "Ask the supplier, first"
    assert first["Due"] == item.due.isoformat()
    sheet = load_workbook(
        io.BytesIO(_get(owner_client, organization, "actions_export", "xlsx").content)
    )["Action plan"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(values) == count + 1
    header = values[0]
    assert values[1][header.index("Consultant note")] == "Ask the supplier, first"
    assert values[1][header.index("Due")].date() == item.due


def test_ics_has_one_all_day_event_per_item_with_stable_uids(owner_client, organization, cycles):
    items = list(cycles[1].action_items.order_by("position"))
    ActionItem.objects.filter(pk=items[0].pk).update(
        assignee="Mia; head baker, mornings", consultant_note="Line one\nLine two"
    )
    response = _get(owner_client, organization, "actions_export", "ics")
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode()
    assert "Mia\\; head baker\\, mornings" in raw  # escaped as RFC 5545 asks
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == len(items)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    first = by_summary[items[0].title]
    assert first.decoded("DTSTART") == items[0].due  # a date: an all-day event
    assert first.decoded("DTEND") == items[0].due + timedelta(days=1)
    description = str(first["DESCRIPTION"])
    assert f"KPI: {items[0].kpi}" in description
    assert "Assigned to: Mia; head baker, mornings" in description
    assert "Consultant note: Line one\nLine two" in description
    assert f"Goal: {items[0].kpi_goal}" in description
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    # The same file downloaded again names the same events.
    again = Calendar.from_ical(_get(owner_client, organization, "actions_export", "ics").content)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


def test_exports_without_reports_are_empty_tables(owner_client, organization):
    rows = list(
        csv.reader(
            io.StringIO(_get(owner_client, organization, "actions_export", "csv").content.decode())
        )
    )
    assert rows[0][0] == "Cycle"
    assert len(rows) == 1
    calendar = Calendar.from_ical(_get(owner_client, organization, "actions_export", "ics").content)
    assert calendar.walk("VEVENT") == []


def test_unknown_format_is_404(owner_client, organization):
    url = f"/app/clients/{organization.pk}/export/results.pdf"
    assert owner_client.get(url).status_code == 404
