"""Cycles that close themselves when their closing date is over, and the owners' mail about it.

It lives in reports, not assessments, because closing queues the report
(`assessment_close_and_report`), which sits above assessments.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.services.cycles import CycleError
from organizations.languages import organization_language
from organizations.mail import send_mail
from organizations.models import Membership
from organizations.zones import local_date_end, organization_zone
from reports.services import assessment_close_and_report

logger = logging.getLogger(__name__)


@dataclass
class ClosingRun:
    """What one run did: cycles closed, and cycles left open for want of answers."""

    closed: list[int] = field(default_factory=list)
    left_open: list[int] = field(default_factory=list)


def cycles_close_due(*, now: datetime | None = None) -> ClosingRun:
    """Close every open cycle whose closing date has ended, and tell its owners; run by beat.

    A closing date is the last day to answer: the cycle closes once that day is over in its
    organization's time zone. A cycle nobody has submitted answers to stays open (its report
    would say nothing): the owners are told once, and the cycle is tried again on every run
    until it has answers or the owner closes it or moves the date.
    """
    now = now or timezone.now()
    # No zone is a day ahead of UTC, so a date that has ended anywhere is at most UTC's today.
    utc_today = timezone.localdate(now, UTC)
    run = ClosingRun()
    candidates = (
        Assessment.objects.filter(
            status=Assessment.Status.OPEN, closes_on__isnull=False, closes_on__lte=utc_today
        )
        .select_related("organization")
        .order_by("pk")
    )
    for assessment in candidates:
        if assessment.closes_on is None or now <= local_date_end(
            assessment.closes_on, assessment.organization
        ):
            continue  # its last day is not over yet where the organization is
        if _close_one(pk=assessment.pk, now=now):
            run.closed.append(assessment.pk)
        else:
            run.left_open.append(assessment.pk)
    return run


def _close_one(*, pk: int, now: datetime) -> bool:
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update().select_related("organization").get(pk=pk)
        )
        if assessment.status != Assessment.Status.OPEN:
            return False  # closed by its owner since the query: nothing to do
        if assessment.responses.filter(submitted_at__isnull=False).exists():
            try:
                assessment_close_and_report(assessment=assessment)
            except CycleError:
                logger.warning("cycle %s was due to close but could not be", pk, exc_info=True)
                return False
            transaction.on_commit(lambda: _tell_owners(assessment=assessment, closed=True))
            return True
        if assessment.close_deferred_at is None:
            assessment.close_deferred_at = now
            assessment.save(update_fields=["close_deferred_at"])
            transaction.on_commit(lambda: _tell_owners(assessment=assessment, closed=False))
        return False


def _tell_owners(*, assessment: Assessment, closed: bool) -> None:
    with organization_language(assessment.organization):
        _tell_owners_written(assessment=assessment, closed=closed)


def _tell_owners_written(*, assessment: Assessment, closed: bool) -> None:
    organization = assessment.organization
    owners = (
        Membership.objects.filter(organization=organization, role=Membership.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    context = {
        "organization": organization,
        "assessment": assessment,
        "link": settings.SITE_URL.rstrip("/") + assessment.get_absolute_url(),
    }
    if closed:
        subject = _("%(label)s is closed; its report is being built") % {"label": assessment.label}
        template = "reports/email_cycle_closed.txt"
    else:
        subject = _("%(label)s was not closed: nobody has submitted answers yet") % {
            "label": assessment.label
        }
        template = "reports/email_cycle_not_closed.txt"
    with organization_zone(organization):
        body = render_to_string(template, context)
    for email in owners:
        try:
            # One message per owner, so no owner's address is shown to anyone else.
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        except Exception:
            logger.exception("could not tell %s about cycle %s", email, assessment.pk)
