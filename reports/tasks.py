"""Report tasks: take ids, call a service, declare retries and limits.

Task names are pinned to where the tasks lived before the app split, so messages already
queued and the beat schedule keep working.
"""

from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _


class ReportBuildTask(Task):
    """Record a report as failed when its task gives up, so the page never waits forever."""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        from reports.services import report_build_abandon

        report_id = (kwargs or {}).get("report_id") or (args[0] if args else None)
        if report_id is None:
            return
        if isinstance(exc, OperationalError | InterfaceError):
            error = _(
                "The database could not be reached while building the report, even after "
                "several retries. Try rebuilding in a few minutes."
            )
        else:
            error = _("The report could not be built (%(error)s). Try rebuilding.") % {
                "error": type(exc).__name__
            }
        report_build_abandon(report_id=int(report_id), error=error)


# acks_late + reject_on_worker_lost: a message is acknowledged only once the build has ended,
# so a worker killed mid-build hands the report to the next one. The time limits come from
# CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT; the soft one ends in a readable failure.
@shared_task(
    name="assessments.tasks.report_build_task",
    base=ReportBuildTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=4,
)
def report_build_task(report_id: int) -> str:
    """Build one report; a redelivered or duplicate message finds it ready and does nothing."""
    from reports.services import report_build

    report = report_build(report_id=report_id)
    return report.status if report is not None else "missing"


@shared_task(name="assessments.tasks.ping_task")
def ping_task(value: str) -> str:
    """Echo a value: lets operators and tests prove that a worker consumes the queue."""
    return value


@shared_task(name="assessments.tasks.report_sweep_task")
def report_sweep_task() -> int:
    """Re-queue reports left queued or stalled (broker down, worker lost); run by beat."""
    from reports.reliability import report_sweep

    return report_sweep()
