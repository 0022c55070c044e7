"""Issue #20 item 10 (full-width formulas): every CSV and XLSX export quotes a cell that a
spreadsheet would run as a formula, whatever Unicode form its first character takes."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ActionItem
from tests.scenarios import scored_cycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_pdf")]

FULL_WIDTH = "\uff1d1+1"  # ＝1+1
PLUS = "\uff0bcmd"  # ＋cmd
AT = "  \uff20SUM(A1)"  # spaces, then ＠


def _download(client, organization, name, fmt) -> bytes:
    url = reverse(f"clients:{name}", kwargs={"pk": organization.pk, "fmt": fmt})
    response = client.get(url)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def hostile_cycle(organization, default_bank):
    cycle = scored_cycle(organization, default_bank, label=FULL_WIDTH, days_ago=10)
    item = cycle.action_items.order_by("position").first()
    ActionItem.objects.filter(pk=item.pk).update(assignee=PLUS, progress_note=AT)
    return cycle


def test_the_csv_exports_quote_full_width_formulas(owner_client, organization, hostile_cycle):
    results = list(
        csv.DictReader(
            io.StringIO(_download(owner_client, organization, "results_export", "csv").decode())
        )
    )
    assert results[0]["Cycle"] == "'" + FULL_WIDTH
    actions = list(
        csv.DictReader(
            io.StringIO(_download(owner_client, organization, "actions_export", "csv").decode())
        )
    )
    assert actions[0]["Cycle"] == "'" + FULL_WIDTH
    assert actions[0]["Assigned to"] == "'" + PLUS
    assert "'" + AT in actions[0].values()


def test_the_xlsx_exports_quote_full_width_formulas(owner_client, organization, hostile_cycle):
    for name, sheet_name in (("results_export", "Results"), ("actions_export", "Action plan")):
        content = _download(owner_client, organization, name, "xlsx")
        rows = list(load_workbook(io.BytesIO(content))[sheet_name].iter_rows(values_only=True))
        assert rows[1][0] == "'" + FULL_WIDTH, name
    values = rows[1]
    assert "'" + PLUS in values
    assert "'" + AT in values
