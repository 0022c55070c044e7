"""Assessment cycles, invitations, responses and answers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from banks.models import SCALE_MAX, SCALE_MIN, Question, QuestionBank, scale_validators
from organizations.languages import language_choices
from organizations.models import Level, Organization


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        SCORED = "scored", _("Scored")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="assessments"
    )
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="assessments")
    label = models.CharField(max_length=40, help_text=_("For example “2026-Q4”."))
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    strategy_snapshot = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Optional: beat e-mails a reminder to each invitee who has not submitted, once, this many
    # days after their invitation.
    remind_after_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # Optional: beat closes the cycle on this day (when someone has submitted) and tells the owner.
    closes_on = models.DateField(null=True, blank=True)
    # When the owners were told that the closing date came with no submitted answers (once).
    close_deferred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "label"], name="assessment_unique_label"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment", args=[self.pk])


class Invitation(models.Model):
    """A personal link for one respondent; only a hash of its token is stored."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    level = models.CharField(
        max_length=10, choices=[(Level.MANAGER, _("Manager")), (Level.STAFF, _("Staff"))]
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The last reminder of either kind: nobody is reminded twice within a day.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The automatic reminder goes once per person; this records that it went.
    auto_reminded_at = models.DateTimeField(null=True, blank=True)
    # The language the owner chose for this person's mails and pages; blank: the organization's.
    language = models.CharField(
        _("language"), max_length=8, choices=language_choices, blank=True, default=""
    )

    class Meta:
        ordering = ["assessment", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "email"],
                condition=Q(revoked_at__isnull=True),
                name="invitation_one_active_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.level}) – {self.assessment}"


class Response(models.Model):
    """One person's answers to one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    level = models.CharField(max_length=10, choices=Level)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=Q(user__isnull=False),
                name="response_one_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} response to {self.assessment}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    current = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale_validators, help_text=_("Empty means “don't know”.")
    )
    target = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale_validators, help_text=_("Owner only.")
    )
    comment = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)
    # The questionnaire numbers each change it sends; a batch that arrives late (a retry, a tab
    # closed mid-save) never overwrites an answer saved from a later change.
    client_seq = models.BigIntegerField(
        default=0, help_text=_("Sequence number of the questionnaire change last saved.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique"),
            models.CheckConstraint(
                condition=Q(current__isnull=True) | Q(current__range=(SCALE_MIN, SCALE_MAX)),
                name="answer_current_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__range=(SCALE_MIN, SCALE_MAX)),
                name="answer_target_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.current}"
