"""Keeping reports moving when the broker or a worker fails.

Two ways a report can be left behind, and how the sweep catches each:

- queued, but its task never reached the broker (Redis was down when the cycle closed): the
  report row says "queued" and no message exists. Re-sent once it has waited longer than
  REPORT_SWEEP_QUEUED_AFTER seconds.
- running, but the worker died outright (SIGKILL, lost machine): the Redis transport hands the
  unacknowledged message back only after its visibility timeout (an hour). Re-sent once the
  build has run longer than REPORT_SWEEP_RUNNING_AFTER seconds, which is past the hard time
  limit, so no live build can still be working on it.

Sending a message for a report that is already being built, or is built, is harmless:
report_build locks the row, does nothing for a ready report, and keeps one set of action items.
So a report that merely waits behind a long queue may get a second message; that one is a no-op.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from reports.models import Report
from reports.services import report_enqueue

logger = logging.getLogger(__name__)

# One sweep sends at most this many messages; the next sweep takes the rest.
SWEEP_BATCH = 500


def reports_stuck(*, now: datetime | None = None) -> list[int]:
    """Return the ids of reports left queued or running far longer than they should be."""
    now = now or timezone.now()
    queued_before = now - timedelta(seconds=settings.REPORT_SWEEP_QUEUED_AFTER)
    running_before = now - timedelta(seconds=settings.REPORT_SWEEP_RUNNING_AFTER)
    queued = Q(status=Report.Status.QUEUED) & (
        Q(queued_at__lt=queued_before) | Q(queued_at__isnull=True)
    )
    running = Q(status=Report.Status.RUNNING) & (
        Q(started_at__lt=running_before) | Q(started_at__isnull=True)
    )
    return list(
        Report.objects.filter(queued | running)
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def report_sweep(*, now: datetime | None = None) -> int:
    """Re-queue reports stuck in queued or running; return how many were re-queued."""
    sent = 0
    for report_id in reports_stuck(now=now):
        if not report_enqueue(report_id=report_id):
            # The broker is still down: every further publish would fail the same way.
            logger.warning("report sweep stopped: the broker refused report %s", report_id)
            break
        sent += 1
    if sent:
        logger.info("report sweep re-queued %s report(s)", sent)
    return sent
