"""Celery tasks: take ids, call a service, declare retries and limits."""

from celery import shared_task
from django.db import DatabaseError, InterfaceError


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(InterfaceError, DatabaseError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def report_build_task(report_id: int) -> str:
    """Build one report; a redelivered or duplicate message finds it ready and does nothing."""
    from assessments.services.reports import report_build

    return report_build(report_id=report_id).status


@shared_task
def ping_task(value: str) -> str:
    """Echo a value: lets operators and tests prove that a worker consumes the queue."""
    return value
