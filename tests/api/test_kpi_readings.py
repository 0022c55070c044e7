"""KPI readings through the API: one reading, many at once, the series, rights and isolation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import KpiReading
from tests.api.conftest import token_client
from tests.reports.factories import ActionItemFactory, KpiReadingFactory
from tests.reports.kpi_fixtures import kpi_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return kpi_plan()


def _one(item) -> str:
    return f"/api/action-items/{item.pk}/readings/"


def test_owner_records_one_reading_and_reads_the_series(plan):
    item = plan.items[0]
    api = token_client(plan.owner)
    day = timezone.localdate() - timedelta(days=30)
    response = api.post(
        _one(item), {"measured_on": day.isoformat(), "value": 10, "note": "=1+1"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["saved"] == 1
    assert body["readings"][0]["value"] == "10.0000"
    assert body["kpi_statuses"] == {str(item.pk): "on_track"}
    reading = KpiReading.objects.get()
    assert (reading.source, reading.note, reading.recorded_by) == ("api", "=1+1", plan.owner)
    # The same reading again is a harmless retry.
    again = api.post(_one(item), {"measured_on": day.isoformat(), "value": "10"}, format="json")
    assert again.status_code == 200
    assert (again.json()["saved"], again.json()["unchanged"]) == (0, 1)
    # Half way from 10 to 20, 12 is behind.
    today = timezone.localdate().isoformat()
    behind = api.post(_one(item), {"measured_on": today, "value": 12.0}, format="json")
    assert behind.json()["kpi_statuses"] == {str(item.pk): "behind"}
    series = api.get(_one(item)).json()
    assert series["baseline"] == 10.0
    assert series["kpi_status"] == "behind"
    assert [r["value"] for r in series["readings"]] == ["10.0000", "12.0000"]


def test_bad_readings_get_messages_per_field(plan):
    api = token_client(plan.owner)
    item = plan.items[0]
    response = api.post(_one(item), {"measured_on": "2150-01-01", "value": "ten"}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "between 2000 and 2100" in errors["measured_on"][0]
    assert "Enter a number" in errors["value"][0]
    response = api.post(_one(item), {"measured_on": "2026-01-01", "value": [1]}, format="json")
    assert response.status_code == 400
    KpiReadingFactory(action_item=item, measured_on="2026-01-01", value=4)
    response = api.post(_one(item), {"measured_on": "2026-01-01", "value": 5}, format="json")
    assert response.status_code == 400
    assert "already has a reading of 4" in response.json()["non_field_errors"][0]


def test_many_readings_are_saved_all_or_nothing(plan):
    api = token_client(plan.consultant)
    first, second = plan.items[0], plan.items[1]
    days = [timezone.localdate() - timedelta(days=n) for n in (20, 10, 0)]
    readings = [
        {"action_item": first.pk, "measured_on": day.isoformat(), "value": 10 + n}
        for n, day in enumerate(days)
    ] + [{"action_item": second.pk, "measured_on": days[0].isoformat(), "value": "7,5"}]
    bad = [*readings, {"action_item": second.pk, "measured_on": "2026-13-01", "value": 1}]
    response = api.post("/api/kpi-readings/", {"readings": bad}, format="json")
    assert response.status_code == 400
    assert list(response.json()["readings"]) == ["4"]
    assert not KpiReading.objects.exists()
    response = api.post("/api/kpi-readings/", {"readings": readings}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["saved"] == 4
    assert set(body["kpi_statuses"]) == {str(first.pk), str(second.pk)}
    assert KpiReading.objects.filter(source="api").count() == 4


def test_assignee_may_record_for_their_item_only(plan):
    api = token_client(plan.assignee)
    today = timezone.localdate().isoformat()
    ok = api.post(_one(plan.items[0]), {"measured_on": today, "value": 3}, format="json")
    assert ok.status_code == 201
    refused = api.post(_one(plan.items[1]), {"measured_on": today, "value": 3}, format="json")
    assert refused.status_code == 403
    many = api.post(
        "/api/kpi-readings/",
        {"readings": [{"action_item": plan.items[1].pk, "measured_on": today, "value": 3}]},
        format="json",
    )
    assert many.status_code == 400
    assert "You may not record" in many.json()["readings"]["0"][0]
    other = token_client(plan.manager)
    assert (
        other.post(_one(plan.items[0]), {"measured_on": today, "value": 3}, format="json")
    ).status_code == 403
    assert KpiReading.objects.count() == 1


def test_outsiders_find_nothing(plan):
    item = plan.items[0]
    KpiReadingFactory(action_item=item, value=7)
    api = token_client(plan.outsider)
    today = timezone.localdate().isoformat()
    assert api.get(_one(item)).status_code == 404
    assert (
        api.post(_one(item), {"measured_on": today, "value": 3}, format="json").status_code == 404
    )
    many = api.post(
        "/api/kpi-readings/",
        {"readings": [{"action_item": item.pk, "measured_on": today, "value": 3}]},
        format="json",
    )
    assert many.status_code == 400
    assert f"There is no action item {item.pk}" in many.json()["readings"]["0"][0]
    own = ActionItemFactory()  # an item of nobody the outsider knows: the same answer
    assert api.get(_one(own)).status_code == 404
    assert KpiReading.objects.count() == 1
