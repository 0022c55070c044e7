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


@shared_task(name="assessments.tasks.cycles_close_due_task")
def cycles_close_due_task() -> dict[str, list[int]]:
    """Close the cycles whose closing date has come and tell their owners; run by beat."""
    from reports.closing import cycles_close_due

    run = cycles_close_due()
    return {"closed": run.closed, "left_open": run.left_open}
