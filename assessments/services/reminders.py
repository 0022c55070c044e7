"""Reassessment reminders for owners whose last cycle is older than their review interval."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.languages import organization_language
from organizations.mail import send_mail
from organizations.models import Membership, Organization

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)
# The shortest interval the model allows: anything newer cannot be due, so the query skips it.
MIN_INTERVAL_DAYS = 7


class LatestCycle(TypedDict):
    """What the candidates' query adds to each organization: when its last cycle started."""

    latest_cycle: datetime


def reminder_due(
    *,
    latest_cycle: datetime | None,
    reminded_at: datetime | None,
    interval_days: int,
    now: datetime,
) -> bool:
    """Return whether a reminder is due: the last cycle and the last reminder are both too old."""
    if latest_cycle is None:
        return False  # never assessed: there is nothing to reassess yet
    interval = timedelta(days=interval_days)
    if now - latest_cycle < interval:
        return False
    return reminded_at is None or now - reminded_at >= interval


def reassessment_reminders_send(*, now: datetime | None = None) -> int:
    """E-mail the owners of every organization due a reassessment; return how many."""
    now = now or timezone.now()
    candidates = (
        Organization.objects.annotate(latest_cycle=Max("assessments__created_at"))
        .filter(latest_cycle__lte=now - timedelta(days=MIN_INTERVAL_DAYS))
        .only("pk", "name", "review_interval_days", "reminded_at")
        .order_by("pk")
    )
    sent = 0
    for organization in candidates:
        if not reminder_due(
            latest_cycle=organization.latest_cycle,
            reminded_at=organization.reminded_at,
            interval_days=organization.review_interval_days,
            now=now,
        ):
            continue
        # Claim the reminder first: of two workers running at once, only one wins the update.
        claimed = Organization.objects.filter(
            pk=organization.pk, reminded_at=organization.reminded_at
        ).update(reminded_at=now)
        if not claimed:
            continue
        if _send(organization=organization, now=now):
            sent += 1
        else:
            # Nobody was told: give the next run another chance.
            Organization.objects.filter(pk=organization.pk, reminded_at=now).update(
                reminded_at=organization.reminded_at
            )
    return sent


def _send(*, organization: WithAnnotations[Organization, LatestCycle], now: datetime) -> bool:
    with organization_language(organization):
        return _send_written(organization=organization, now=now)


def _send_written(
    *, organization: WithAnnotations[Organization, LatestCycle], now: datetime
) -> bool:
    owners = list(
        Membership.objects.filter(organization=organization, role=Membership.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not owners:
        return False
    site_url = settings.SITE_URL.rstrip("/")
    context = {
        "organization": organization,
        "days": (now - organization.latest_cycle).days,
        "interval": organization.review_interval_days,
        "link": site_url + organization.get_absolute_url(),
    }
    try:
        for email in owners:
            # One message per owner, so no owner's address is shown to anyone else.
            send_mail(
                _("Time to reassess %(organization)s on Resonance")
                % {"organization": organization.mail_name},
                render_to_string("assessments/email_reminder.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [email],
            )
    except Exception:
        logger.exception("could not send the reassessment reminder of %s", organization.pk)
        return False
    return True
