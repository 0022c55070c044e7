"""Uploading KPI readings from CSV and XLSX: checked row by row, saved all or nothing."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from reports.forms import KPI_UPLOAD_MAX_BYTES
from reports.models import KpiReading
from tests.reports.factories import ActionItemFactory, KpiReadingFactory
from tests.reports.kpi_fixtures import kpi_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return kpi_plan()


def _csv(rows, header=True, sep=",") -> bytes:
    lines = [sep.join(["action item id", "date", "value", "note"])] if header else []
    lines += [sep.join(str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _upload(client, plan, content: bytes, name="readings.csv"):
    url = reverse("reports:kpi_upload", args=[plan.organization.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def _days(count: int) -> list[date]:
    first = timezone.localdate() - timedelta(days=count + 5)
    return [first + timedelta(days=n) for n in range(count)]


def test_one_bad_row_among_500_saves_nothing_and_names_the_row(client, plan):
    item = plan.items[2]
    rows = [(item.pk, day.isoformat(), 40 + n / 10, f"day {n}") for n, day in enumerate(_days(500))]
    rows[316] = (item.pk, rows[316][1], "forty", "typo")  # row 318 of the file: header + 317
    client.force_login(plan.owner)
    response = _upload(client, plan, _csv(rows))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved" in body
    assert "Row 318:" in body
    assert "Enter a number" in body
    assert body.count("Row ") == 1
    assert not KpiReading.objects.exists()
    item.refresh_from_db()
    assert item.baseline is None


def test_a_good_file_saves_every_row_and_sets_the_baseline(client, plan):
    item = plan.items[2]
    days = _days(6)
    rows = [(item.pk, day.strftime("%d/%m/%Y"), f"{50 + n}", "") for n, day in enumerate(days)]
    client.force_login(plan.owner)
    response = _upload(client, plan, _csv(rows, sep=";"))
    assert response.status_code == 302
    assert KpiReading.objects.filter(action_item=item, source="upload").count() == 6
    item.refresh_from_db()
    assert item.baseline == 50.0
    page = client.get(response["Location"])
    assert "6 readings saved." in page.content.decode()
    # The same export sent again changes nothing and says so.
    response = _upload(client, plan, _csv(rows, sep=";"))
    assert response.status_code == 302
    assert "6 rows were already recorded" in client.get(response["Location"]).content.decode()
    assert KpiReading.objects.count() == 6


def test_every_problem_is_listed_with_its_row(client, plan):
    mine = plan.items[0]
    elsewhere = ActionItemFactory()  # of another organization, invisible to the owner
    KpiReadingFactory(action_item=mine, measured_on=date(2026, 1, 2), value=3)
    KpiReadingFactory(action_item=mine, measured_on=date(2026, 1, 5), value=6)
    # An organization the owner also owns: visible, but not this page's.
    second = ActionItemFactory()
    from tests.organizations.factories import MembershipFactory

    MembershipFactory(user=plan.owner, organization=second.assessment.organization)
    rows = [
        (mine.pk, "2026-01-01", "1", "fine"),  # row 2
        (999999, "2026-01-01", "1", ""),  # 3: unknown
        (elsewhere.pk, "2026-01-01", "1", ""),  # 4: invisible: unknown too
        (second.pk, "2026-01-01", "1", ""),  # 5: another organization
        (mine.pk, "1999-05-01", "1", ""),  # 6: date out of range
        (mine.pk, "2026-01-03", "1.2.3", ""),  # 7: not a number
        (mine.pk, "2026-01-01", "2", "again"),  # 8: same date as row 2
        (mine.pk, "2026-01-05", "4", ""),  # 9: stored with another value
        (mine.pk, "2026-01-02", "3", ""),  # 10: equal to the stored one: fine
        ("abc", "2026-01-04", "1", ""),  # 11: not an id
    ]
    client.force_login(plan.owner)
    body = _upload(client, plan, _csv(rows)).content.decode()
    expected = {
        3: "There is no action item 999999",
        4: f"There is no action item {elsewhere.pk}",
        5: "belongs to another organization",
        6: "between 2000 and 2100",
        7: "Enter a number",
        8: "has another reading on Jan. 1, 2026 in row 2",
        9: "already has a reading of 6 on Jan. 5, 2026",
        11: "must be a whole number",
    }
    for row, text in expected.items():
        assert f"Row {row}: " in body, row
        assert text in body, row
    assert "Row 2:" not in body
    assert "Row 10:" not in body
    assert KpiReading.objects.count() == 2


def test_a_member_uploads_only_for_the_actions_assigned_to_them(client, plan):
    today = timezone.localdate().isoformat()
    client.force_login(plan.assignee)
    rows = [(plan.items[0].pk, today, "5", ""), (plan.items[1].pk, today, "5", "")]
    body = _upload(client, plan, _csv(rows)).content.decode()
    assert "Row 3:" in body
    assert "You may not record readings" in body
    assert _upload(client, plan, _csv(rows[:1])).status_code == 302
    client.force_login(plan.manager)
    assert _upload(client, plan, _csv(rows[:1])).status_code == 400


def test_files_over_2_mb_are_refused(client, plan):
    client.force_login(plan.owner)
    content = _csv([]) + b"x" * KPI_UPLOAD_MAX_BYTES
    response = _upload(client, plan, content)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()


def test_files_over_10000_rows_are_refused(client, plan):
    item = plan.items[0]
    client.force_login(plan.owner)
    rows = [(item.pk, "2026-01-01", "1", "")] * 10_001
    response = _upload(client, plan, _csv(rows))
    assert response.status_code == 400
    assert "more than 10,000 rows" in response.content.decode()
    assert not KpiReading.objects.exists()


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Action", "Date", "Value", "Note"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_dates_and_numbers_are_read_and_formulas_never_run(client, plan):
    item = plan.items[1]
    days = _days(3)
    rows = [
        (item.pk, days[0], 12, '=HYPERLINK("http://evil.example","x")'),
        (float(item.pk), days[1], 11.25, "@SUM(A1)"),
        (str(item.pk), days[2].isoformat(), "10.5", "plain"),
    ]
    client.force_login(plan.consultant)
    response = _upload(client, plan, _xlsx(rows), name="till.xlsx")
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = list(item.kpi_readings.order_by("measured_on").values_list("value", "note"))
    assert [float(value) for value, _note in saved] == [12, 11.25, 10.5]
    # The note is stored as typed: text, never evaluated.
    assert saved[0][1] == '=HYPERLINK("http://evil.example","x")'
    # A formula where a number belongs is not a number.
    formula = _xlsx([(item.pk, timezone.localdate(), "=2*3", "")])
    body = _upload(client, plan, formula, name="f.xlsx").content.decode()
    assert "Row 2:" in body
    assert "Enter a number" in body


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"PK\x03\x04garbage that is no zip", "x.xlsx", "save it again as XLSX or CSV"),
        (b"\x00\x01\x02\x03binary", "x.csv", "not a CSV or XLSX"),
        (b"", "empty.csv", "The submitted file is empty"),
        (b"action item id,date,value,note\n", "header.csv", "no readings"),
        (b'1,"2026-01-01,' + b"x" * 200_000 + b"\n", "big.csv", "be read near line"),
        (
            b"1" * 40 + b",2026-01-01,1\n" + b"9" * 300 + b",2026-01-01,1\n",
            "ids.csv",
            "no action item",
        ),
        ("é,ü\n".encode("latin-1"), "latin.csv", "no readings"),
    ],
)
def test_garbage_files_get_a_message_never_a_500(client, plan, content, name, message):
    client.force_login(plan.owner)
    response = _upload(client, plan, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KpiReading.objects.exists()
