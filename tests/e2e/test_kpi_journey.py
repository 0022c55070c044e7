"""The owner tracks an action's KPI: two readings by hand, then a CSV of six from the till.

The action runs from 30 days ago to 30 days ahead, from the first reading (10) to a target of 20.
A second reading of 10.5 a fortnight in is behind the expected path (12.5, with 1 of slack);
the uploaded week-by-week figures climb to 14.5 two days ago, where the path expects about
14.7: on track.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import KpiReading
from tests.accounts.factories import PASSWORD
from tests.e2e.journey import log_in, shot
from tests.reports.kpi_fixtures import kpi_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _record(panel, pk: int, day, value: str, note: str) -> None:
    panel.locator(f"#id_kpi-{pk}-measured_on").fill(day.isoformat())
    panel.locator(f"#id_kpi-{pk}-value").fill(value)
    panel.locator(f"#id_kpi-{pk}-note").fill(note)
    panel.get_by_role("button", name="Save reading").click()


def test_owner_records_readings_by_hand_and_by_file(page, live_server, artifacts_dir):
    plan = kpi_plan()
    item = plan.items[0]
    today = timezone.localdate()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, plan.owner.email, PASSWORD)
    dashboard = f"{live_server.url}{reverse('clients:dashboard', args=[plan.organization.pk])}"
    page.goto(f"{dashboard}#kpis")

    panel = page.locator(f"#kpi-{item.pk}")
    expect(panel.locator(".kpi-status")).to_have_text("No data")
    expect(panel).to_contain_text("No reading yet.")
    _record(panel, item.pk, today - timedelta(days=30), "10", "first count")
    expect(panel.get_by_role("status")).to_contain_text("saved")
    expect(panel.locator(".kpi-status")).to_have_text("On track")
    expect(panel).to_contain_text("baseline 10")

    # A wrong value is refused beside its field, and nothing changes.
    _record(panel, item.pk, today - timedelta(days=15), "ten and a half", "")
    expect(panel.locator(f"#id_kpi-{item.pk}-value")).to_have_class(
        "textinput form-control is-invalid"
    )
    expect(panel).to_contain_text("Enter a number")
    _record(panel, item.pk, today - timedelta(days=15), "10.5", "slow fortnight")
    expect(panel.locator(".kpi-status")).to_have_text("Behind")
    # The plan table's badge follows the panel without a reload.
    expect(page.locator(f"#kpi-badge-{item.pk}")).to_have_text("Behind")
    expect(panel.locator(".report-figure[data-drawn='1']")).to_be_visible()
    expect(panel.locator(".js-plotly-plot .scatterlayer .trace")).to_have_count(3)
    shot(page, artifacts_dir, "kpi-behind-1280")

    page.get_by_role("link", name="Upload readings (CSV or XLSX)").click()
    expect(page.get_by_role("heading", name="Upload KPI readings")).to_be_visible()
    rows = ["action item id,date,value,note"]
    for n, value in enumerate(["11", "11.5", "12.5", "13", "14", "14.5"]):
        day = today - timedelta(days=12 - 2 * n)
        rows.append(f"{item.pk},{day.isoformat()},{value},=week {n + 1} from the till")
    page.get_by_label("CSV or XLSX file").set_input_files(
        {"name": "till.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}
    )
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator(".alert-success, .alert-info").first).to_contain_text("6 readings saved.")
    panel = page.locator(f"#kpi-{item.pk}")
    expect(panel.locator(".kpi-status")).to_have_text("On track")
    expect(page.locator(f"#kpi-badge-{item.pk}")).to_have_text("On track")
    assert KpiReading.objects.filter(action_item=item).count() == 8
    # The text alternative lists every reading, the note as typed (never a formula).
    panel.get_by_text("The 8 readings as a table").click()
    expect(panel.locator(".kpi-table tbody tr")).to_have_count(8)
    expect(panel.locator(".kpi-table")).to_contain_text("=week 6 from the till")
    panel.scroll_into_view_if_needed()
    shot(page, artifacts_dir, "kpi-on-track-1280", full_page=False)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    panel = page.locator(f"#kpi-{item.pk}")
    panel.scroll_into_view_if_needed()
    expect(panel.locator(".report-figure[data-drawn='1']")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px)"
    shot(page, artifacts_dir, "kpi-on-track-390", full_page=False)
    assert not errors, errors
