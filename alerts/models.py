"""Drift alerts: what went wrong between cycles, recorded once, told once a week."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class EventKind(models.TextChoices):
    PULSE_DROP = "pulse_drop", _("A pulse area fell 10 points or more")
    KPI_BEHIND = "kpi_behind", _("A KPI fell behind its plan")
    ACTION_OVERDUE = "action_overdue", _("An action is a week or more overdue")
    CYCLE_STALE = "cycle_stale", _("The last full cycle is older than the review interval")


def all_kinds() -> list[str]:
    return list(EventKind.values)


class AlertSettings(models.Model):
    """What the owners of one organization want to hear about, and where besides e-mail."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="alert_settings",
        verbose_name=_("organization"),
    )
    kinds = models.JSONField(default=all_kinds, verbose_name=_("kinds"))
    # A Slack or Teams incoming webhook: a secret, so pages only ever show it masked.
    webhook_url = models.CharField(max_length=500, blank=True, verbose_name=_("webhook url"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self) -> str:
        return _("alert settings of %(organization)s") % {"organization": self.organization_id}


class DriftEvent(models.Model):
    """One thing that drifted. Unique per organization, kind, subject and period: the daily
    task may see the same overdue action every day, it is recorded (and told) once."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="drift_events",
        verbose_name=_("organization"),
    )
    kind = models.CharField(max_length=20, choices=EventKind, verbose_name=_("kind"))
    subject = models.CharField(max_length=64, verbose_name=_("subject"))
    period = models.CharField(max_length=32, verbose_name=_("period"))
    # What the digest says about it: names and figures as they were when it was recorded.
    detail = models.JSONField(default=dict, verbose_name=_("detail"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("drift event")
        verbose_name_plural = _("drift events")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "subject", "period"], name="drift_event_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} {self.period}"


class Digest(models.Model):
    """The weekly e-mail to one person: at most one per recipient per ISO week."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="drift_digests",
        verbose_name=_("recipient"),
    )
    week = models.CharField(max_length=8, verbose_name=_("week"))  # ISO week, e.g. 2026-W49
    events = models.ManyToManyField(DriftEvent, related_name="digests", verbose_name=_("events"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "week"], name="digest_once_a_week")
        ]

    def __str__(self) -> str:
        return _("digest %(week)s for %(recipient)s") % {
            "week": self.week,
            "recipient": self.recipient_id,
        }


class WebhookPost(models.Model):
    """The weekly message to an organization's Slack or Teams channel."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="webhook_posts",
        verbose_name=_("organization"),
    )
    week = models.CharField(max_length=8, verbose_name=_("week"))
    events = models.ManyToManyField(
        DriftEvent, related_name="webhook_posts", verbose_name=_("events")
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.PENDING, verbose_name=_("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.CharField(max_length=300, blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("webhook post")
        verbose_name_plural = _("webhook posts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "week"], name="webhook_post_once_a_week"
            )
        ]

    def __str__(self) -> str:
        return _("webhook post %(week)s for %(organization)s") % {
            "week": self.week,
            "organization": self.organization_id,
        }
