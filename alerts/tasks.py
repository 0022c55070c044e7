"""Celery tasks of the drift alerts: thin wrappers over alerts.services."""

from celery import shared_task
from django.conf import settings

from alerts import services
from alerts.webhooks import WebhookError


@shared_task
def drift_daily_task() -> dict[str, int]:
    return services.drift_daily_run()


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def digest_send_task(self, digest_id: int) -> bool:
    try:
        return services.digest_send(digest_id=digest_id)
    except OSError as exc:  # the mail server did not answer: try again later
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=None)
def webhook_post_task(self, post_id: int) -> bool:
    retries = self.request.retries
    final = retries >= settings.ALERT_WEBHOOK_MAX_RETRIES
    try:
        return services.webhook_post_send(post_id=post_id, final_attempt=final)
    except WebhookError as exc:
        if final:
            return False
        # Exponential backoff: 30 s, 60 s, 120 s… (the base is shorter in tests).
        countdown = settings.ALERT_WEBHOOK_RETRY_BASE * (2**retries)
        raise self.retry(exc=exc, countdown=countdown) from exc
