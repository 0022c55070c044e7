"""KPI readings on the web: the form beside each action, deleting, rights and isolation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import KpiReading
from tests.reports.factories import KpiReadingFactory
from tests.reports.kpi_fixtures import kpi_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return kpi_plan()


def _post(client, item, htmx=False, **fields):
    data = {f"kpi-{item.pk}-{name}": value for name, value in fields.items()}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("reports:kpi", args=[item.pk]), data, **headers)


def test_owner_records_a_reading_and_it_becomes_the_baseline(client, plan):
    item = plan.items[0]
    client.force_login(plan.owner)
    day = timezone.localdate() - timedelta(days=30)
    response = _post(client, item, measured_on=day.isoformat(), value="8,5", note="till")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#kpi-{item.pk}")
    reading = KpiReading.objects.get(action_item=item)
    assert (reading.measured_on, reading.value, reading.note) == (day, Decimal("8.5"), "till")
    assert reading.recorded_by == plan.owner
    assert reading.source == KpiReading.Source.WEB
    item.refresh_from_db()
    assert item.baseline == 8.5


def test_htmx_answers_with_the_panel_and_its_new_status(client, plan):
    item = plan.items[0]
    today = timezone.localdate()
    KpiReadingFactory(action_item=item, measured_on=today - timedelta(days=30), value=10)
    item.baseline = 10.0
    item.save()
    client.force_login(plan.owner)
    # Half way from 10 to 20 the path expects 15: 12 is behind.
    response = _post(client, item, htmx=True, measured_on=today.isoformat(), value="12")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="kpi-{item.pk}"' in body
    assert "kpi-status-behind" in body
    assert "Reading of" in body
    assert "saved" in body
    assert f'data-figure="fig-kpi-{item.pk}"' in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"measured_on": "1999-12-31", "value": "3"}, "between 2000 and 2100"),
        ({"measured_on": "2101-01-01", "value": "3"}, "between 2000 and 2100"),
        ({"measured_on": "31/02/2026", "value": "3"}, "Enter a date"),
        ({"measured_on": "2026-01-05", "value": "12 kg"}, "Enter a number"),
        ({"measured_on": "2026-01-05", "value": "=1+1"}, "Enter a number"),
        ({"measured_on": "2026-01-05", "value": "NaN"}, "Enter a number"),
        ({"measured_on": "2026-01-05", "value": "1e30"}, "too large"),
        ({"measured_on": "", "value": ""}, "Enter the date"),
    ],
)
def test_bad_input_gets_a_message_beside_the_field(client, plan, fields, message):
    item = plan.items[0]
    client.force_login(plan.owner)
    response = _post(client, item, htmx=True, **fields)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "is-invalid" in body
    assert not KpiReading.objects.exists()


def test_a_future_date_and_a_second_reading_on_a_day_are_refused(client, plan):
    item = plan.items[0]
    client.force_login(plan.owner)
    later = timezone.localdate() + timedelta(days=3)
    body = _post(client, item, htmx=True, measured_on=later.isoformat(), value="3").content
    assert "in the future" in body.decode()
    today = timezone.localdate().isoformat()
    _post(client, item, measured_on=today, value="3")
    body = _post(client, item, htmx=True, measured_on=today, value="4").content.decode()
    assert "already a reading of 3" in body
    assert KpiReading.objects.get().value == Decimal("3")


def test_assignee_records_for_their_action_only(client, plan):
    client.force_login(plan.assignee)
    today = timezone.localdate().isoformat()
    assert _post(client, plan.items[0], measured_on=today, value="3").status_code == 302
    assert _post(client, plan.items[1], measured_on=today, value="3").status_code == 403
    assert KpiReading.objects.count() == 1


def test_another_member_reads_but_may_not_record(client, plan):
    item = plan.items[0]
    KpiReadingFactory(action_item=item, value=7)
    client.force_login(plan.manager)
    page = client.get(reverse("reports:kpi", args=[item.pk]))
    assert page.status_code == 200
    assert "Record a reading" not in page.content.decode()
    today = timezone.localdate().isoformat()
    assert _post(client, item, measured_on=today, value="3").status_code == 403
    reading = item.kpi_readings.get()
    url = reverse("reports:kpi_reading_delete", args=[item.pk, reading.pk])
    assert client.post(url).status_code == 403
    assert item.kpi_readings.count() == 1


def test_consultant_records_and_deletes(client, plan):
    item = plan.items[1]
    client.force_login(plan.consultant)
    today = timezone.localdate()
    assert _post(client, item, measured_on=today.isoformat(), value="9").status_code == 302
    reading = item.kpi_readings.get()
    url = reverse("reports:kpi_reading_delete", args=[item.pk, reading.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "deleted" in response.content.decode()
    assert not item.kpi_readings.exists()


def test_every_kpi_url_is_404_for_an_outsider(client, plan):
    item = plan.items[0]
    reading = KpiReadingFactory(action_item=item, value=7)
    client.force_login(plan.outsider)
    urls = [
        ("get", reverse("reports:kpi", args=[item.pk])),
        ("post", reverse("reports:kpi", args=[item.pk])),
        ("post", reverse("reports:kpi_reading_delete", args=[item.pk, reading.pk])),
        ("get", reverse("reports:kpi_upload", args=[plan.organization.pk])),
        ("post", reverse("reports:kpi_upload", args=[plan.organization.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    # A reading id of another action is not found either, even for the owner.
    client.force_login(plan.owner)
    other = plan.items[1]
    url = reverse("reports:kpi_reading_delete", args=[other.pk, reading.pk])
    assert client.post(url).status_code == 404
    assert KpiReading.objects.filter(pk=reading.pk).exists()
