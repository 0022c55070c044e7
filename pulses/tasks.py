"""Pulse tasks run by beat. Names are pinned so the beat schedule survives moves."""

from celery import shared_task


@shared_task(name="pulses.tasks.pulses_open_due_task", acks_late=True)
def pulses_open_due_task() -> list[int]:
    """Open each organization's pulse that has come due, once; run by beat."""
    from pulses.services import pulses_open_due

    return pulses_open_due()


@shared_task(name="pulses.tasks.pulses_close_due_task", acks_late=True)
def pulses_close_due_task() -> list[int]:
    """Close the pulses whose week is over, with their final results; run by beat."""
    from pulses.services import pulses_close_due

    return pulses_close_due()
