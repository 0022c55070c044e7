"""Drift alerts: what the daily run records, who hears of it, how often, and the settings page."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import AlertSettings, Digest, DriftEvent, EventKind, WebhookPost
from alerts.webhooks import masked, webhook_url_problem
from reports.models import ActionItem
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory
from tests.scenarios import Cycle, client_build

TODO, DONE = ActionItem.Status.TODO, ActionItem.Status.DONE


@pytest.fixture
def consultant(db):
    return UserFactory(email="adviser@advice.example")


@pytest.fixture
def queued(monkeypatch):
    """Record what the run would hand to the worker instead of publishing it."""
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(services, "_queue", lambda name, pk: calls.append((name, pk)))
    return calls


@pytest.fixture
def daily_run(django_capture_on_commit_callbacks, queued):
    """Run the daily task's work and its on-commit queueing, as the worker would."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.drift_daily_run(**kwargs)

    return run


def _client(bank, consultant, *, name="Crumb & Co", owner_email="owner@crumb.example", **kw):
    organization = client_build(
        bank=bank,
        consultant=consultant,
        name=name,
        cycles=kw.pop("cycles", None)
        or [
            # An older plan: its overdue items are not the current plan's, so they do not count.
            Cycle("C1", closed_days_ago=300, index=60, items=[(TODO, -200)]),
            Cycle(
                "C2",
                closed_days_ago=200,
                index=70,
                items=[(TODO, -10), (DONE, -30), (TODO, -3), ("in_progress", -7)],
            ),
        ],
    )
    MembershipFactory(organization=organization, user=UserFactory(email=owner_email))
    return organization


def test_the_run_records_overdue_actions_of_the_current_plan_and_a_stale_cycle_once(
    default_bank, consultant
):
    organization = _client(default_bank, consultant)
    assert services.drift_record() == 3
    assert services.drift_record() == 0, "the same drift is recorded once"
    events = DriftEvent.objects.filter(organization=organization)
    assert sorted(events.values_list("kind", flat=True)) == [
        EventKind.ACTION_OVERDUE,
        EventKind.ACTION_OVERDUE,
        EventKind.CYCLE_STALE,
    ]
    overdue_dues = sorted(e.detail["due"] for e in events.filter(kind=EventKind.ACTION_OVERDUE))
    today = timezone.localdate()
    assert overdue_dues == [
        (today - timedelta(days=10)).isoformat(),
        (today - timedelta(days=7)).isoformat(),
    ]


def test_a_recent_cycle_is_not_stale_and_nothing_is_overdue(default_bank, consultant):
    _client(
        default_bank,
        consultant,
        cycles=[Cycle("C1", closed_days_ago=20, index=70, items=[(TODO, 30), (DONE, -20)])],
    )
    assert services.drift_record() == 0


def test_two_runs_at_once_record_each_event_once(default_bank, consultant, transactional_db):
    _client(default_bank, consultant)
    results = []

    def run():
        try:
            results.append(services.drift_record())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert DriftEvent.objects.count() == 3


def test_one_digest_per_recipient_per_week_with_only_what_is_new(
    default_bank, consultant, daily_run
):
    organization = _client(default_bank, consultant)
    first = daily_run()
    assert first == {"events": 3, "digests": 2, "webhook_posts": 0}
    recipients = set(Digest.objects.values_list("recipient__email", flat=True))
    assert recipients == {"owner@crumb.example", "adviser@advice.example"}
    # The same week: a second run (even with something new) sends no second digest.
    ActionItem.objects.filter(assessment__organization=organization, status=TODO).update(
        due=timezone.localdate() - timedelta(days=8)
    )
    second = services.drift_daily_run()
    assert second["digests"] == 0
    assert Digest.objects.count() == 2
    # Next week the new events (the moved due dates) are told, the old ones are not.
    next_week = timezone.localdate() + timedelta(days=7)
    services.drift_daily_run(today=next_week)
    later = Digest.objects.exclude(week=services.iso_week(timezone.localdate()))
    assert later.count() == 2
    for digest in later:
        kinds = set(digest.events.values_list("kind", flat=True))
        assert kinds == {EventKind.ACTION_OVERDUE}
        assert not set(digest.events.values_list("pk", flat=True)) & set(
            Digest.objects.filter(recipient=digest.recipient)
            .exclude(pk=digest.pk)
            .values_list("events", flat=True)
        )


def test_a_consultant_whose_grant_was_revoked_hears_nothing(default_bank, consultant, queued):
    organization = _client(default_bank, consultant)
    organization.consultant_grants.update(revoked_at=timezone.now())
    services.drift_daily_run()
    assert list(Digest.objects.values_list("recipient__email", flat=True)) == [
        "owner@crumb.example"
    ]


def test_owners_choose_the_kinds_they_hear_of(default_bank, consultant, queued):
    organization = _client(default_bank, consultant)
    AlertSettings.objects.create(organization=organization, kinds=[EventKind.CYCLE_STALE])
    services.drift_daily_run()
    for digest in Digest.objects.all():
        assert list(digest.events.values_list("kind", flat=True)) == [EventKind.CYCLE_STALE]


def test_the_digest_mail_says_what_drifted_in_plain_words(
    default_bank, consultant, queued, daily_run
):
    _client(default_bank, consultant)
    daily_run()
    for name, pk in queued:
        assert name == "alerts.tasks.digest_send_task"
        assert services.digest_send(digest_id=pk) is True
        assert services.digest_send(digest_id=pk) is False, "a digest is sent once"
    assert len(mail.outbox) == 2
    body = mail.outbox[0].body
    assert "Crumb & Co" in body
    assert "is not done yet" in body
    assert "time to reassess" in body
    assert "/app/organizations/" in body
    assert all(len(message.to) == 1 for message in mail.outbox), "nobody sees another address"


def test_the_run_queries_do_not_grow_with_action_items(default_bank, consultant, queued):
    def clients(n, items):
        for i in range(n):
            _client(
                default_bank,
                consultant,
                name=f"Client {items}-{i}",
                owner_email=f"owner{items}-{i}@example.com",
                cycles=[Cycle("C1", closed_days_ago=200, index=70, items=[(TODO, -10)] * items)],
            )

    clients(3, 2)
    with CaptureQueriesContext(connection) as small:
        services.drift_record()
    DriftEvent.objects.all().delete()
    clients(3, 20)
    with CaptureQueriesContext(connection) as large:
        services.drift_record()
    assert len(large) == len(small)
    assert DriftEvent.objects.filter(kind=EventKind.ACTION_OVERDUE).count() == 3 * 2 + 3 * 20


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/services/T0/B0/x",
        "https://hooks.slack.com.evil.example/services/x",
        "https://evil.example/hooks.slack.com/services",
        "https://user:pass@hooks.slack.com/services/T0/B0/x",
        "https://hooks.slack.com:8443/services/T0/B0/x",
        "https://127.0.0.1/services",
        "https://hooks.slack.com/",
        "https://hooks.slack.com/services/T0\n/B0",
        "javascript:alert(1)",
        "https://webhook.office.com/x",
        "https://" + "a" * 600,
    ],
)
def test_webhook_addresses_outside_slack_and_teams_are_refused(url):
    assert webhook_url_problem(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T000/B000/XXXX",
        "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456",
        "https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke",
    ],
)
def test_slack_and_teams_webhooks_are_accepted(url):
    assert webhook_url_problem(url) is None


def test_the_settings_page_saves_kinds_and_keeps_the_webhook_secret(
    client, default_bank, consultant
):
    organization = _client(default_bank, consultant)
    owner = organization.memberships.get().user
    client.force_login(owner)
    url = reverse("alerts:settings", args=[organization.pk])
    secret = "https://hooks.slack.com/services/T000/B000/supersecrettoken"
    response = client.post(url, {"kinds": [EventKind.KPI_BEHIND], "webhook_url": secret})
    assert response.status_code == 302
    stored = AlertSettings.objects.get(organization=organization)
    assert stored.kinds == [EventKind.KPI_BEHIND]
    assert stored.webhook_url == secret
    page = client.get(url).content.decode()
    assert "supersecrettoken" not in page
    assert masked(secret) in page
    # Saving again without pasting keeps it; a bad address is refused beside the field.
    client.post(url, {"kinds": [EventKind.CYCLE_STALE]})
    assert AlertSettings.objects.get(organization=organization).webhook_url == secret
    bad = client.post(url, {"kinds": [], "webhook_url": "http://10.0.0.5/hook"})
    assert bad.status_code == 200
    assert "must start with https://" in bad.content.decode()
    assert AlertSettings.objects.get(organization=organization).webhook_url == secret
    client.post(url, {"kinds": [], "remove_webhook": "on"})
    assert AlertSettings.objects.get(organization=organization).webhook_url == ""


def test_the_settings_page_is_the_owners_alone(client, default_bank, consultant):
    organization = _client(default_bank, consultant)
    url = reverse("alerts:settings", args=[organization.pk])
    client.force_login(UserFactory(email="stranger@example.com"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"kinds": []}).status_code == 404
    client.force_login(consultant)
    assert client.get(url).status_code in (403, 404)
    assert not AlertSettings.objects.exists()


def test_a_webhook_post_is_made_once_a_week_per_organization(
    default_bank, consultant, queued, daily_run
):
    organization = _client(default_bank, consultant)
    AlertSettings.objects.create(
        organization=organization, webhook_url="https://hooks.slack.com/services/T/B/x"
    )
    daily_run()
    daily_run()
    assert WebhookPost.objects.count() == 1
    assert [name for name, _pk in queued].count("alerts.tasks.webhook_post_task") == 1


def _measured_item(organization):
    """The current plan's first item as a KPI from 0 to 100 over 80 days, 40 of them gone."""
    today = timezone.localdate()
    item = ActionItem.objects.filter(assessment__organization=organization).latest(
        "assessment__created_at"
    )
    ActionItem.objects.filter(pk=item.pk).update(
        kpi_direction="up",
        baseline=0,
        target=100,
        start=today - timedelta(days=40),
        due=today + timedelta(days=40),
        status=ActionItem.Status.IN_PROGRESS,
        kpi="Orders a week",
        unit="orders",
    )
    return item


def test_a_kpi_that_turns_behind_is_told_once_until_it_recovers(default_bank, consultant):
    from reports.models import KpiReading

    organization = _client(
        default_bank,
        consultant,
        cycles=[Cycle("C1", closed_days_ago=20, index=70, items=[(TODO, 30)])],
    )
    item = _measured_item(organization)
    today = timezone.localdate()

    def reading(days_ago, value):
        KpiReading.objects.create(
            action_item=item, measured_on=today - timedelta(days=days_ago), value=value
        )
        services.drift_record()
        return list(
            DriftEvent.objects.filter(kind=EventKind.KPI_BEHIND).values_list("period", flat=True)
        )

    assert reading(20, 25) == [], "on the expected path (25)"
    behind = reading(10, 12)  # expected 37.5: behind by more than 10 % of the way
    assert behind == [(today - timedelta(days=10)).isoformat()]
    event = DriftEvent.objects.get(kind=EventKind.KPI_BEHIND)
    assert event.detail["value"] == "12"
    assert event.detail["expected"] == "37.5"
    assert "Orders a week is behind its plan" in services.describe(event)
    assert reading(5, 20) == behind, "still behind: not told again"
    assert reading(3, 50) == behind, "back on track"
    assert len(reading(1, 30)) == 2, "behind anew: told again"


def test_a_pulse_area_ten_points_down_is_recorded_once(default_bank, consultant):
    from pulses.models import Pulse

    organization = _client(default_bank, consultant, cycles=[Cycle("C1", 20, index=70)])
    now = timezone.now()
    Pulse.objects.create(
        organization=organization,
        assessment=organization.assessments.get(),
        period_start=now.date().replace(day=1),
        opened_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=2),
        closed_at=now - timedelta(days=2),
        result={
            "areas": {
                "market.value": {"title": "Value promise", "score": 58.0, "previous": 70.0},
                "ops.flow": {"title": "Flow", "score": 66.0, "previous": 70.0},
            }
        },
    )
    services.drift_record()
    services.drift_record()
    event = DriftEvent.objects.get(kind=EventKind.PULSE_DROP)
    assert event.subject == "area:market.value"
    assert services.describe(event).startswith("Value promise fell from 70 to 58")


def test_the_portfolio_shows_drift_per_client_and_filters_on_it(client, default_bank, consultant):
    drifting = _client(default_bank, consultant)
    calm = _client(
        default_bank,
        consultant,
        name="Calm Studio",
        owner_email="owner@calm.example",
        cycles=[Cycle("C1", closed_days_ago=20, index=70, items=[(TODO, 30)])],
    )
    services.drift_record()
    client.force_login(consultant)
    url = reverse("consultants:portfolio")
    page = client.get(url).content.decode()
    assert f'data-client="{drifting.pk}"' in page
    assert f'data-client="{calm.pk}"' in page
    only = client.get(url, {"drift": "yes"}).content.decode()
    assert f'data-client="{drifting.pk}"' in only
    assert f'data-client="{calm.pk}"' not in only
    none = client.get(url, {"drift": "no"}).content.decode()
    assert f'data-client="{calm.pk}"' in none
    assert f'data-client="{drifting.pk}"' not in none
    behind = client.get(url, {"kpis": "behind"}).content.decode()
    assert "data-client=" not in behind, "no KPI reading anywhere: nobody is behind"
    export = client.get(reverse("consultants:portfolio_export", args=["csv"])).content.decode()
    header, *lines = export.splitlines()
    column = header.split(",").index("Drift (30 days)")
    drift_by_name = {line.split(",")[0]: line.split(",")[column] for line in lines}
    assert drift_by_name == {"Crumb & Co": "3", "Calm Studio": "0"}
