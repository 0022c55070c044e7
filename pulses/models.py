"""Pulse check-ins between full cycles: the cadence, each pulse, its personal links and answers."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from banks.models import SCALE_MAX, SCALE_MIN, Question, scale_validators
from organizations.languages import language_choices
from organizations.models import Level, Organization


class PulseSettings(models.Model):
    """How often an organization's team gets a pulse.

    Kept here rather than on Organization: the organizations app sits at the bottom of the
    layers and knows nothing of pulses; this app reads the organization, never the reverse.
    """

    class Cadence(models.TextChoices):
        OFF = "off", _("Off")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="pulse_settings",
        verbose_name=_("organization"),
    )
    cadence = models.CharField(
        max_length=10, choices=Cadence, default=Cadence.OFF, verbose_name=_("cadence")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("pulse settings")
        verbose_name_plural = _("pulse settings")

    def __str__(self) -> str:
        return f"{self.organization}: {self.cadence}"


class Pulse(models.Model):
    """One short check-in, opened by beat once per organization and period."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="pulses",
        verbose_name=_("organization"),
    )
    # The last full cycle: its bank, its plan, its invitees and its scores are the baseline.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="pulses", verbose_name=_("assessment")
    )
    period_start = models.DateField(
        help_text=_("First day of the cadence period it belongs to."),
        verbose_name=_("period start"),
    )
    opened_at = models.DateTimeField(verbose_name=_("opened at"))
    closes_at = models.DateTimeField(verbose_name=_("closes at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    questions = models.ManyToManyField(
        Question, through="PulseQuestion", related_name="+", verbose_name=_("questions")
    )
    # Submitted people, and of them those who are not owners (results show from three).
    respondents = models.PositiveIntegerField(default=0, verbose_name=_("respondents"))
    others = models.PositiveIntegerField(default=0, verbose_name=_("others"))
    # The engine's scores, refreshed at each submit; null while fewer than three non-owners
    # answered, so nothing below the threshold is ever stored for display.
    result = models.JSONField(null=True, blank=True, verbose_name=_("result"))

    class Meta:
        verbose_name = _("pulse")
        verbose_name_plural = _("pulses")
        ordering = ["organization", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period_start"], name="pulse_one_per_period"
            ),
        ]
        indexes = [models.Index(fields=["organization", "-closed_at"], name="pulse_org_closed")]

    def __str__(self) -> str:
        return _("Pulse of %(organization)s (%(day)s)") % {
            "organization": self.organization,
            "day": self.period_start.isoformat(),
        }

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class PulseQuestion(models.Model):
    pulse = models.ForeignKey(
        Pulse, on_delete=models.CASCADE, related_name="pulse_questions", verbose_name=_("pulse")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))

    class Meta:
        verbose_name = _("pulse question")
        verbose_name_plural = _("pulse questions")
        ordering = ["pulse", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pulse", "question"], name="pulse_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pulse}: {self.question.code}"


class PulseLink(models.Model):
    """One person's link to one pulse; only a hash of its token is stored (as invitations)."""

    pulse = models.ForeignKey(
        Pulse, on_delete=models.CASCADE, related_name="links", verbose_name=_("pulse")
    )
    email = models.EmailField(verbose_name=_("email"))
    level = models.CharField(max_length=10, choices=Level, verbose_name=_("level"))
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    # The language the owner chose for the person's invitation to the cycle; blank: the
    # organization's. Copied when the link is made, so the page needs no query for it.
    language = models.CharField(
        _("language"), max_length=8, choices=language_choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("pulse link")
        verbose_name_plural = _("pulse links")
        ordering = ["pulse", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pulse", "email"], name="pulse_link_one_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.level}) – {self.pulse}"


class PulseAnswer(models.Model):
    link = models.ForeignKey(
        PulseLink, on_delete=models.CASCADE, related_name="answers", verbose_name=_("link")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    current = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=scale_validators,
        help_text=_("Empty means “don't know”."),
        verbose_name=_("current"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    # As in the questionnaire: a late batch never overwrites an answer from a later change.
    client_seq = models.BigIntegerField(default=0, verbose_name=_("client seq"))

    class Meta:
        verbose_name = _("pulse answer")
        verbose_name_plural = _("pulse answers")
        constraints = [
            models.UniqueConstraint(fields=["link", "question"], name="pulse_answer_unique"),
            models.CheckConstraint(
                condition=Q(current__isnull=True) | Q(current__range=(SCALE_MIN, SCALE_MAX)),
                name="pulse_answer_current_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.current}"
