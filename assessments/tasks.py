"""Cycle tasks run by beat. Names are pinned so the beat schedule survives moves."""

from celery import shared_task


@shared_task(name="assessments.tasks.reassessment_reminders_task")
def reassessment_reminders_task() -> int:
    """E-mail owners whose last cycle is older than their review interval; run by beat."""
    from assessments.services.reminders import reassessment_reminders_send

    return reassessment_reminders_send()
