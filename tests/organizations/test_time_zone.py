"""Each organization's time zone: chosen on creation and in the settings, used wherever its times show."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from banks.models import Question
from organizations.models import Organization
from organizations.zones import time_zone_choices, time_zone_validate, zone_of
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

# 19:11 UTC on 30 November is 14:11 in New York (EST, five hours behind).
MOMENT = datetime(2026, 11, 30, 19, 11, tzinfo=UTC)
CREATE = {
    "name": "Hudson Bakery",
    "industry": Organization.Industry.FOOD,
    "size_band": Organization.SizeBand.MICRO,
    "capacity_days_per_month": "4",
}


@pytest.fixture
def new_york(organization):
    organization.time_zone = "America/New_York"
    organization.save(update_fields=["time_zone"])
    return organization


@pytest.fixture
def closed_at_moment(assessment):
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.CLOSED, closed_at=MOMENT
    )
    assessment.refresh_from_db()
    return assessment


def test_only_iana_names_are_time_zones():
    time_zone_validate("America/New_York")
    time_zone_validate("UTC")
    for bad in ("Mars/Olympus_Mons", "", "america/new_york", "EST5EDT; DROP TABLE"):
        with pytest.raises(ValidationError, match="is not a time zone we know"):
            time_zone_validate(bad)


def test_the_choices_hold_every_zone_once_grouped_by_region():
    flat = [
        value
        for value, label in time_zone_choices()
        for value in ([v for v, _l in label] if isinstance(label, list) else [value])
    ]
    assert len(flat) == len(set(flat))
    assert "America/New_York" in flat
    assert flat[0] == "UTC"


def test_an_organization_starts_in_utc_and_an_old_row_keeps_working(organization):
    assert organization.time_zone == "UTC"
    Organization.objects.filter(pk=organization.pk).update(time_zone="Gone/Away")
    organization.refresh_from_db()
    # A zone the system no longer knows shows times in UTC instead of failing the page.
    assert str(zone_of(organization)) == "UTC"
    assert str(zone_of(Organization(time_zone="Asia/Dubai"))) == "Asia/Dubai"


def test_the_new_organization_form_takes_a_zone(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("organizations:organization_create")).content.decode()
    assert "data-propose-browser-zone" in page
    assert "js/time_zone.js" in page
    assert '<option value="America/New_York">America/New York</option>' in page
    response = client.post(
        reverse("organizations:organization_create"), {**CREATE, "time_zone": "America/New_York"}
    )
    assert response.status_code == 302
    assert Organization.objects.get(name="Hudson Bakery").time_zone == "America/New_York"


def test_an_unknown_zone_is_refused_beside_the_field_and_nothing_typed_is_lost(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organizations:organization_create"), {**CREATE, "time_zone": "Mars/Olympus_Mons"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'id="id_time_zone"[^>]*is-invalid|is-invalid[^>]*id="id_time_zone"', page)
    assert "“Mars/Olympus_Mons” is not a time zone we know" in page
    assert 'value="Hudson Bakery"' in page
    # A re-shown form is the owner's: the script must not replace what they chose.
    assert "data-propose-browser-zone" not in page
    assert not Organization.objects.filter(name="Hudson Bakery").exists()


def test_a_post_without_a_zone_keeps_utc(client):
    client.force_login(UserFactory())
    assert client.post(reverse("organizations:organization_create"), CREATE).status_code == 302
    assert Organization.objects.get(name="Hudson Bakery").time_zone == "UTC"


def test_a_new_york_cycle_page_shows_new_york_time_with_the_zone_named(
    owner_client, new_york, closed_at_moment
):
    page = owner_client.get(closed_at_moment.get_absolute_url()).content.decode()
    # English's DATE_FORMAT (the site's default language), then the time in the zone.
    assert "closed Nov. 30, 2026, 14:11 EST" in page
    assert "19:11" not in page
    assert "Times are shown in America/New_York" in page


def test_the_zone_does_not_stay_for_the_next_request(owner_client, new_york, closed_at_moment):
    owner_client.get(closed_at_moment.get_absolute_url())
    tokens = owner_client.get(reverse("tokens")).content.decode()
    assert "Times are shown in UTC." in tokens
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_settings_history_is_in_the_organizations_zone(owner_client, owner, new_york):
    url = reverse("organizations:settings", args=[new_york.pk])
    owner_client.post(
        url,
        {
            "name": "Crumb & Co",
            "industry": "food",
            "size_band": "micro",
            "capacity_days_per_month": "8",
            "review_interval_days": "90",
            "time_zone": "Europe/London",
        },
    )
    new_york.history.filter(history_date__gte=timezone.now() - timedelta(minutes=5)).update(
        history_date=MOMENT
    )
    page = owner_client.get(url).content.decode()
    # The organization is in London now: 19:11 UTC in winter is 19:11 GMT there.
    assert "Nov. 30, 2026, 19:11 GMT" in page
    assert "Time zone: America/New_York → Europe/London" in page


def _first_question(assessment):
    return Question.objects.filter(area__dimension__bank=assessment.bank).order_by("pk").first()


def test_the_wizards_save_reply_carries_the_local_time_and_its_zone(
    owner_client, new_york, assessment
):
    question = _first_question(assessment)
    before = timezone.now()
    reply = owner_client.post(
        reverse("assessments:save_batch", args=[assessment.pk]),
        json.dumps([{"question": question.code, "current": 3, "seq": 1}]),
        content_type="application/json",
    )
    assert reply.status_code == 200, reply.content
    data = reply.json()
    assert re.fullmatch(r"\d\d:\d\d:\d\d E[SD]T", data["saved_at"])
    saved = datetime.fromisoformat(data["saved_at_iso"])
    assert saved.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4))
    assert abs(saved - before) < timedelta(minutes=1)
    assert data["saved_at"].startswith(saved.strftime("%H:%M:%S"))


def test_the_one_answer_save_shows_the_local_time_and_its_zone(owner_client, new_york, assessment):
    question = _first_question(assessment)
    reply = owner_client.post(
        reverse("assessments:save", args=[assessment.pk]),
        {"question": question.pk, "current": "3", "step": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 200, reply.content
    assert re.search(r"Saved \d\d:\d\d:\d\d E[SD]T", reply.content.decode())


def test_the_admin_lists_and_edits_times_in_the_organizations_zone(
    client, admin_user, new_york, closed_at_moment
):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:assessments_assessment_changelist")).content.decode()
    assert "30 Nov 2026, 14:11 EST" in listing
    change = client.get(
        reverse("admin:assessments_assessment_change", args=[closed_at_moment.pk])
    ).content.decode()
    assert "Times on this page are in America/New_York" in change
    # The admin's own format for the active language (English), in New York time.
    assert "Nov. 30, 2026, 2:11 p.m." in change
    assert "7:11 p.m." not in change
    organizations = client.get(reverse("admin:organizations_organization_changelist"))
    assert "America/New_York" in organizations.content.decode()


def test_invitations_name_the_organizations_zone_in_the_mail_and_the_list(
    owner_client, new_york, assessment
):
    from django.core import mail

    from tests.assessments.test_invitations import invite

    invite(assessment, ("sam@example.com", "staff"))
    [message] = mail.outbox
    assert re.search(r"at the latest on \w+\.? \d+, \d{4}, \d\d:\d\d E[SD]T", message.body)
    page = owner_client.get(reverse("assessments:invitations", args=[assessment.pk]))
    assert re.search(r"sent \w+ \d+, \d\d:\d\d E[SD]T", page.content.decode())
