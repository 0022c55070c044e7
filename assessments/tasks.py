"""Cycle tasks run by beat. Names are pinned so the beat schedule survives moves."""

from celery import shared_task


@shared_task(name="assessments.tasks.reassessment_reminders_task")
def reassessment_reminders_task() -> int:
    """E-mail owners whose last cycle is older than their review interval; run by beat."""
    from assessments.services.reminders import reassessment_reminders_send

    return reassessment_reminders_send()


@shared_task(name="assessments.tasks.invitation_reminders_task")
def invitation_reminders_task() -> int:
    """Send each open cycle's automatic reminders that have come due; run by beat."""
    from assessments.services.invitations import invitation_reminders_auto

    return invitation_reminders_auto()
