"""Brief tasks. Names are pinned: services queue them by name."""

from celery import shared_task
from django.db import OperationalError

from briefs.services import BRIEF_LINKS_SEND_TASK


@shared_task(
    name=BRIEF_LINKS_SEND_TASK,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def brief_links_send_task(brief_id: int) -> int:
    """Mail a personal link to each invitee of the brief's cycle who has none yet."""
    from briefs.services import brief_links_send

    return brief_links_send(brief_id=brief_id)
