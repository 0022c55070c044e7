"""Drift detection and the weekly digests (DESIGN §10, "Drift alerts").

The daily run finds what drifted, records each event once (the unique constraint decides, so two
runs at once record it once), then gives every recipient at most one digest per ISO week and
every organization with a webhook at most one post per ISO week. Sending happens in worker tasks
queued after the transaction commits: a slow mail server or a dead webhook never holds a run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts import webhooks
from alerts.models import AlertSettings, Digest, DriftEvent, EventKind, WebhookPost
from organizations.languages import language_active, language_of, language_override
from organizations.mail import send_mail
from organizations.models import Membership, Organization, grant_in_force
from pulses.models import Pulse
from pulses.selectors import latest_area_drops
from reports.models import ActionItem, KpiReading
from reports.numbers import points
from reports.selectors import NEWEST_FIRST, reports_scored
from scoring.kpi import BEHIND, KpiPlan, expected_value, kpi_status

logger = logging.getLogger(__name__)

OVERDUE_AFTER = timedelta(days=7)
# A digest tells what happened since the last one; a newcomer is not sent a month of history.
DIGEST_LOOKBACK = timedelta(days=30)


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Found:
    """An event a detector found; recorded unless the same one was recorded before."""

    organization_id: int
    kind: str
    subject: str
    period: str
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _latest_scored_assessment_id() -> Subquery:
    """The id of the newest scored cycle of the action item's organization (a subquery)."""
    latest = (
        reports_scored()
        .filter(assessment__organization=OuterRef("assessment__organization"))
        .order_by(*NEWEST_FIRST)
        .values("assessment_id")[:1]
    )
    return Subquery(latest)


def overdue_actions(*, today: date) -> list[Found]:
    """Items of each organization's current plan, not done, due a week ago or earlier."""
    rows = (
        ActionItem.objects.exclude(status=ActionItem.Status.DONE)
        .filter(due__lte=today - OVERDUE_AFTER)
        .filter(assessment_id=Subquery(_latest_scored_assessment_id()))
        .values_list("assessment__organization_id", "pk", "title", "due", "assignee")
    )
    return [
        Found(
            organization_id=org_id,
            kind=EventKind.ACTION_OVERDUE,
            subject=f"item:{pk}",
            period=due.isoformat(),
            detail={"title": title, "due": due.isoformat(), "assignee": assignee},
        )
        for org_id, pk, title, due, assignee in rows
    ]


def stale_cycles(*, today: date) -> list[Found]:
    """Organizations whose newest cycle started longer ago than their review interval."""
    rows = (
        Organization.objects.annotate(latest=Max("assessments__created_at"))
        .filter(latest__isnull=False)
        .values_list("pk", "latest", "review_interval_days")
    )
    found = []
    for org_id, latest, interval in rows:
        review_due = timezone.localdate(latest) + timedelta(days=interval)
        if review_due <= today:
            found.append(
                Found(
                    organization_id=org_id,
                    kind=EventKind.CYCLE_STALE,
                    subject="latest-cycle",
                    period=review_due.isoformat(),
                    detail={"started": timezone.localdate(latest).isoformat(), "days": interval},
                )
            )
    return found


def _reading(column: str, offset: int) -> Subquery:
    """A column of an item's latest (offset 0) or previous (offset 1) KPI reading."""
    readings = KpiReading.objects.filter(action_item=OuterRef("pk")).order_by("-measured_on")
    return Subquery(readings.values(column)[offset : offset + 1])


def kpis_turned_behind(*, today: date) -> list[Found]:
    """KPIs of each current plan whose latest reading is behind while the one before was not.

    One event per turn: an item that stays behind over several readings is told once, and
    again only after it came back on track and fell behind anew.
    """
    rows = (
        ActionItem.objects.filter(assessment_id=Subquery(_latest_scored_assessment_id()))
        .annotate(
            on=_reading("measured_on", 0),
            value=_reading("value", 0),
            previous_on=_reading("measured_on", 1),
            previous_value=_reading("value", 1),
        )
        .filter(on__isnull=False, on__lte=today)
        .values_list(
            "assessment__organization_id",
            "pk",
            "title",
            "kpi",
            "unit",
            "kpi_direction",
            "baseline",
            "target",
            "start",
            "due",
            "on",
            "value",
            "previous_on",
            "previous_value",
        )
    )
    found = []
    for org_id, pk, title, kpi, unit, direction, baseline, target, start, due, *readings in rows:
        on, value, previous_on, previous_value = readings
        plan = KpiPlan(direction=direction, baseline=baseline, target=target, start=start, due=due)
        if kpi_status(plan, (on, value)) != BEHIND:
            continue
        if previous_on is not None and kpi_status(plan, (previous_on, previous_value)) == BEHIND:
            continue
        expected = expected_value(plan, on)
        found.append(
            Found(
                organization_id=org_id,
                kind=EventKind.KPI_BEHIND,
                subject=f"item:{pk}",
                period=on.isoformat(),
                detail={
                    "title": title,
                    "kpi": kpi,
                    "unit": unit,
                    "value": _figure(value),
                    "expected": "" if expected is None else _figure(float(expected)),
                    "on": on.isoformat(),
                },
            )
        )
    return found


def _figure(value: Any) -> str:
    """A reading or a score as people write it: no trailing zeros, at most two decimals."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _area_titles(pulse_ids: list[int]) -> dict[int, tuple[dict[str, str], str]]:
    """Each pulse's area titles by code and the day it closed, in one query."""
    rows = Pulse.objects.filter(pk__in=pulse_ids).values_list("pk", "result", "closed_at")
    return {
        pk: (
            {
                code: area.get("title") or code
                for code, area in (result or {}).get("areas", {}).items()
            },
            timezone.localdate(closed_at).isoformat() if closed_at else "",
        )
        for pk, result, closed_at in rows
    }


def pulse_drops(*, today: date) -> list[Found]:
    """Areas that the latest pulse with results scored 10 points or more below before."""
    drops = latest_area_drops(Organization.objects.values_list("pk", flat=True))
    titles = _area_titles([pulse_id for items in drops.values() for *_rest, pulse_id in items])
    found = []
    for org_id, items in drops.items():
        for code, previous, current, pulse_id in items:
            on = titles.get(pulse_id, ({}, ""))[1]
            found.append(
                Found(
                    organization_id=org_id,
                    kind=EventKind.PULSE_DROP,
                    subject=f"area:{code}"[:64],
                    period=f"pulse:{pulse_id}",
                    detail={
                        "area": titles.get(pulse_id, ({}, ""))[0].get(code, code),
                        "previous": points(previous),
                        "current": points(current),
                        "on": on,
                    },
                )
            )
    return found


# Each detector reads all organizations at once: the run's query count does not grow with the
# number of organizations or action items.
DETECTORS: list[Callable[..., list[Found]]] = [
    overdue_actions,
    stale_cycles,
    kpis_turned_behind,
    pulse_drops,
]


def drift_record(*, today: date | None = None) -> int:
    """Record what drifted as of today; return how many events are new."""
    today = today or timezone.localdate()
    found: set[Found] = set()
    for detector in DETECTORS:
        found.update(detector(today=today))
    if not found:
        return 0
    before = DriftEvent.objects.count()
    DriftEvent.objects.bulk_create(
        [
            DriftEvent(
                organization_id=item.organization_id,
                kind=item.kind,
                subject=item.subject[:64],
                period=item.period[:32],
                detail=item.detail,
            )
            for item in found
        ],
        # One statement on PostgreSQL (Django batches only where the database limits
        # parameters, as SQLite does), so the run's queries do not grow with what it finds.
        ignore_conflicts=True,
    )
    return DriftEvent.objects.count() - before


def _wanted_kinds() -> dict[int, set[str]]:
    """The kinds each organization's owners want told; every kind where nothing was set."""
    return {
        org_id: set(kinds)
        for org_id, kinds in AlertSettings.objects.values_list("organization_id", "kinds")
    }


def _recipients() -> dict[int, set[int]]:
    """Who hears of each organization: its owners and the consultants it granted access."""
    by_user: dict[int, set[int]] = defaultdict(set)
    owners = Membership.objects.filter(role=Membership.Role.OWNER, user__is_active=True).exclude(
        user__email=""
    )
    for user_id, org_id in owners.values_list("user_id", "organization_id"):
        by_user[user_id].add(org_id)
    consultants = User.objects.filter(
        grant_in_force("consultant_grants__"), is_active=True
    ).exclude(email="")
    for user_id, org_id in consultants.values_list("pk", "consultant_grants__organization_id"):
        by_user[user_id].add(org_id)
    return by_user


def _recent_events(*, now: datetime) -> dict[int, list[DriftEvent]]:
    wanted = _wanted_kinds()
    by_org: dict[int, list[DriftEvent]] = defaultdict(list)
    recent = DriftEvent.objects.filter(created_at__gte=now - DIGEST_LOOKBACK).order_by(
        "created_at", "pk"
    )
    for event in recent:
        if event.kind in wanted.get(event.organization_id, set(EventKind.values)):
            by_org[event.organization_id].append(event)
    return by_org


def digests_queue(*, today: date | None = None, now: datetime | None = None) -> list[int]:
    """Create this week's digests that are due and queue their sending; return their ids."""
    now = now or timezone.now()
    week = iso_week(today or timezone.localdate())
    events_by_org = _recent_events(now=now)
    if not events_by_org:
        return []
    recipients = _recipients()
    done_this_week = set(Digest.objects.filter(week=week).values_list("recipient_id", flat=True))
    told: dict[int, set[int]] = defaultdict(set)
    for user_id, event_id in Digest.events.through.objects.filter(
        digest__recipient_id__in=recipients.keys(),
        driftevent__created_at__gte=now - DIGEST_LOOKBACK,
    ).values_list("digest__recipient_id", "driftevent_id"):
        told[user_id].add(event_id)
    wanted = [
        (
            {"recipient_id": user_id, "week": week},
            [
                event
                for org_id in sorted(org_ids)
                for event in events_by_org.get(org_id, [])
                if event.pk not in told[user_id]
            ],
        )
        for user_id, org_ids in sorted(recipients.items())
        if user_id not in done_this_week
    ]
    return _claim_and_queue(Digest, "alerts.tasks.digest_send_task", wanted)


def webhooks_queue(*, today: date | None = None, now: datetime | None = None) -> list[int]:
    """Create this week's webhook posts that are due and queue them; return their ids."""
    now = now or timezone.now()
    week = iso_week(today or timezone.localdate())
    hooked = set(
        AlertSettings.objects.exclude(webhook_url="").values_list("organization_id", flat=True)
    )
    if not hooked:
        return []
    events_by_org = _recent_events(now=now)
    posted_this_week = set(
        WebhookPost.objects.filter(week=week).values_list("organization_id", flat=True)
    )
    told: dict[int, set[int]] = defaultdict(set)
    for org_id, event_id in WebhookPost.events.through.objects.filter(
        webhookpost__organization_id__in=hooked
    ).values_list("webhookpost__organization_id", "driftevent_id"):
        told[org_id].add(event_id)
    wanted = [
        (
            {"organization_id": org_id, "week": week},
            [event for event in events_by_org.get(org_id, []) if event.pk not in told[org_id]],
        )
        for org_id in sorted(hooked - posted_this_week)
    ]
    return _claim_and_queue(WebhookPost, "alerts.tasks.webhook_post_task", wanted)


def _claim_and_queue(
    model: type[Digest] | type[WebhookPost],
    task_name: str,
    wanted: list[tuple[dict[str, Any], list[DriftEvent]]],
) -> list[int]:
    """Create the week's rows that have news and queue their sending once the run commits."""
    created = []
    for fields, news in wanted:
        row = _claim(model, news, **fields) if news else None
        if row is not None:
            created.append(row.pk)
    for pk in created:
        transaction.on_commit(partial(_queue, task_name, pk))
    return created


def _claim(
    model: type[Digest] | type[WebhookPost], events: list[DriftEvent], **fields: Any
) -> Digest | WebhookPost | None:
    """Create the week's row with its events, or None when another run created it first."""
    try:
        with transaction.atomic():
            row = model.objects.create(**fields)
            row.events.set(events)
    except IntegrityError:
        return None
    return row


def _queue(task_name: str, pk: int) -> None:
    from celery import current_app

    try:
        current_app.send_task(task_name, args=[pk])
    except Exception:
        # The row stays unsent; digests_resend picks it up on the next daily run.
        logger.exception("could not queue %s for %s", task_name, pk)


def drift_daily_run(*, today: date | None = None) -> dict[str, int]:
    """The daily beat task's work: record, then queue what is due this week."""
    today = today or timezone.localdate()
    new_events = drift_record(today=today)
    with transaction.atomic():
        digests = digests_queue(today=today)
        posts = webhooks_queue(today=today)
    # Rows whose queueing failed earlier (broker down) get another chance.
    for pk in (
        Digest.objects.filter(sent_at__isnull=True)
        .exclude(pk__in=digests)
        .values_list("pk", flat=True)
    ):
        _queue("alerts.tasks.digest_send_task", pk)
    return {"events": new_events, "digests": len(digests), "webhook_posts": len(posts)}


def describe(event: DriftEvent, *, organization_name: str = "") -> str:
    """One plain sentence about an event, for the digest, the webhook and the alerts page."""
    d = event.detail
    if event.kind == EventKind.ACTION_OVERDUE:
        return _("“%(title)s” was due on %(due)s and is not done yet.") % {
            "title": d.get("title", ""),
            "due": _date(d.get("due")),
        }
    if event.kind == EventKind.CYCLE_STALE:
        days = d.get("days", "")
        return ngettext(
            "The last full cycle started on %(started)s; the review interval is %(days)s day: "
            "time to reassess.",
            "The last full cycle started on %(started)s; the review interval is %(days)s days: "
            "time to reassess.",
            days if isinstance(days, int) else 2,
        ) % {"started": _date(d.get("started")), "days": _number(days)}
    if event.kind == EventKind.KPI_BEHIND:
        return _(
            "“%(title)s”: %(kpi)s is behind its plan — %(value)s %(unit)s on %(on)s, "
            "where the plan expected %(expected)s %(unit)s."
        ) % {
            "title": d.get("title", ""),
            "kpi": d.get("kpi", ""),
            "value": _number(d.get("value", "")),
            "unit": d.get("unit", ""),
            "on": _date(d.get("on")),
            "expected": _number(d.get("expected", "")),
        }
    if event.kind == EventKind.PULSE_DROP:
        return _("%(area)s fell from %(previous)s to %(current)s in the pulse of %(on)s.") % {
            "area": d.get("area", ""),
            "previous": _number(d.get("previous", "")),
            "current": _number(d.get("current", "")),
            "on": _date(d.get("on")),
        }
    return str(event)


def _number(value: Any) -> str:
    """A stored figure ("12.5", 70) written the way the active language writes numbers."""
    from django.utils import formats

    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formats.number_format(number)


def _date(value: str | None) -> str:
    from django.utils import formats

    if not value:
        return ""
    return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")


@dataclass
class OrganizationNews:
    organization: Organization
    link: str
    lines: list[str]


def _news(events: Iterable[DriftEvent]) -> list[OrganizationNews]:
    site_url = settings.SITE_URL.rstrip("/")
    grouped: dict[int, OrganizationNews] = {}
    for event in sorted(events, key=lambda e: (e.organization_id, e.created_at, e.pk)):
        org = event.organization
        if org.pk not in grouped:
            grouped[org.pk] = OrganizationNews(org, site_url + org.get_absolute_url(), [])
        grouped[org.pk].lines.append(describe(event))
    return list(grouped.values())


def digest_send(*, digest_id: int) -> bool:
    """Send one digest (idempotent: a digest already sent is not sent again)."""
    digest = Digest.objects.select_related("recipient").filter(pk=digest_id).first()
    if digest is None or digest.sent_at is not None:
        return False
    news = _news(digest.events.select_related("organization"))
    with language_override(_digest_language(digest, news)):
        return _digest_send_written(digest=digest, news=news)


def _digest_language(digest: Digest, news: list[OrganizationNews]) -> str:
    """Return the recipient's stored language, else the first organization's."""
    try:
        stored = digest.recipient.preferences.language
    except ObjectDoesNotExist:
        stored = ""
    if stored:
        return str(stored)
    return language_of(news[0].organization) if news else language_active()


def _digest_send_written(*, digest: Digest, news: list[OrganizationNews]) -> bool:
    count = sum(len(item.lines) for item in news)
    send_mail(
        ngettext(
            "Resonance: %(count)s thing to look at this week",
            "Resonance: %(count)s things to look at this week",
            count,
        )
        % {"count": count},
        render_to_string("alerts/email_digest.txt", {"news": news, "week": digest.week}),
        settings.DEFAULT_FROM_EMAIL,
        [digest.recipient.email],
    )
    Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return True


def webhook_post_send(*, post_id: int, final_attempt: bool) -> bool:
    """Post one week's message to the organization's channel; raise WebhookError to retry."""
    post = WebhookPost.objects.select_related("organization").filter(pk=post_id).first()
    if post is None or post.status != WebhookPost.Status.PENDING:
        return False
    url = (
        AlertSettings.objects.filter(organization_id=post.organization_id)
        .values_list("webhook_url", flat=True)
        .first()
    )
    if not url:
        WebhookPost.objects.filter(pk=post.pk).update(
            status=WebhookPost.Status.FAILED, last_error="no webhook address any more"
        )
        return False
    news = _news(post.events.select_related("organization"))
    lines = [_("Resonance — %(name)s") % {"name": post.organization.mail_name}]
    for item in news:
        lines += [f"• {line}" for line in item.lines]
        lines.append(item.link)
    WebhookPost.objects.filter(pk=post.pk).update(attempts=post.attempts + 1)
    try:
        webhooks.post(url, "\n".join(lines))
    except (webhooks.WebhookError, ValueError) as exc:
        update: dict[str, Any] = {"last_error": str(exc)[:300]}
        if final_attempt or isinstance(exc, ValueError):
            update["status"] = WebhookPost.Status.FAILED
        WebhookPost.objects.filter(pk=post.pk).update(**update)
        if isinstance(exc, ValueError):
            return False
        raise
    WebhookPost.objects.filter(pk=post.pk).update(
        status=WebhookPost.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True
