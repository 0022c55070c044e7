"""Reassessment reminders for owners whose last cycle is older than their review interval."""


def reassessment_reminders_send() -> int:
    """E-mail the owners of every organization due a reassessment; return how many."""
    raise NotImplementedError  # written with issue #6
