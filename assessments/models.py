"""Organizations, versioned question banks, assessment cycles, answers, reports and plans."""

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

SCALE_MIN, SCALE_MAX = 1, 5
scale_validators = [MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]


class ValueDiscipline(models.TextChoices):
    OPERATIONAL_EXCELLENCE = "operational_excellence", "Operational excellence"
    PRODUCT_LEADERSHIP = "product_leadership", "Product leadership"
    CUSTOMER_INTIMACY = "customer_intimacy", "Customer intimacy"


class Level(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    STAFF = "staff", "Staff"


class Organization(models.Model):
    class Industry(models.TextChoices):
        FOOD = "food", "Food and drink"
        RETAIL = "retail", "Retail"
        HOSPITALITY = "hospitality", "Hospitality and tourism"
        MANUFACTURING = "manufacturing", "Manufacturing"
        CONSTRUCTION = "construction", "Construction and trades"
        PROFESSIONAL = "professional", "Professional services"
        TECHNOLOGY = "technology", "Technology"
        HEALTH = "health", "Health and care"
        OTHER = "other", "Other"

    class SizeBand(models.TextChoices):
        MICRO = "micro", "1–9 people"
        SMALL = "small", "10–49 people"
        MEDIUM = "medium", "50–249 people"

    name = models.CharField(max_length=120)
    industry = models.CharField(max_length=20, choices=Industry)
    size_band = models.CharField(max_length=10, choices=SizeBand)
    capacity_days_per_month = models.DecimalField(
        "capacity for improvement work (person-days per month)",
        max_digits=5,
        decimal_places=1,
        default=4,
        validators=[MinValueValidator(0.5), MaxValueValidator(500)],
    )
    review_interval_days = models.PositiveSmallIntegerField(
        "review interval (days)",
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text="How often the business should reassess; a reminder is e-mailed after this.",
    )
    # When the owners were last reminded that a reassessment is due (null: not due or done).
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_days_per_month__gt=0), name="organization_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:organization", args=[self.pk])


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MANAGER = "manager", "Manager"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization} ({self.role})"


class ConsultantAccess(models.Model):
    """A grant from an organization to a consultant; active while not revoked."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="consultant_grants"
    )
    email = models.EmailField()
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consultant_grants",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Every grant, acceptance and revocation, with who did it and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "consultant access grants"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(revoked_at__isnull=True),
                name="consultant_access_one_active_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @staticmethod
    def in_force(prefix: str = "") -> Q:
        """Return the condition of a grant in force (accepted, not revoked), under `prefix`."""
        return Q(**{f"{prefix}accepted_at__isnull": False, f"{prefix}revoked_at__isnull": True})


class StrategyProfile(models.Model):
    """The organization's current statement of strategy; each cycle keeps a snapshot."""

    class PrimaryValue(models.TextChoices):
        PRICE = "price", "Price – we are the affordable choice"
        QUALITY = "quality", "Quality – we are the best at what we make"
        CONVENIENCE = "convenience", "Convenience – we are the easiest to buy from"
        INNOVATION = "innovation", "Innovation – we offer what nobody else has yet"
        SERVICE = "service", "Service – we know and look after every customer"

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="strategy"
    )
    target_customers = models.TextField(
        "who your customers are", max_length=1000, help_text="Describe them in a sentence or two."
    )
    segment = models.CharField(
        "customer segment in a few words",
        max_length=120,
        help_text="Used in your action plan, e.g. “budget-conscious families”.",
    )
    primary_value = models.CharField(max_length=20, choices=PrimaryValue)
    value_discipline = models.CharField(max_length=30, choices=ValueDiscipline)
    goals = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Strategy of {self.organization}"

    def snapshot(self) -> dict[str, str]:
        return {
            "target_customers": self.target_customers,
            "segment": self.segment,
            "primary_value": self.primary_value,
            "value_discipline": self.value_discipline,
            "goals": self.goals,
        }


# --- Question banks -------------------------------------------------------------------------


class BankLockedError(Exception):
    """A published or retired bank version never changes; edit a new draft instead."""


LOCKED_MESSAGE = "{} is not a draft: published and retired versions cannot change"


class DraftOnlyQuerySet(models.QuerySet):
    """Bulk writes refuse rows that belong to a published or retired bank version."""

    def _refuse_locked(self) -> None:
        lookup = self.model.bank_status_lookup()
        if self.exclude(**{lookup: QuestionBank.Status.DRAFT}).exists():
            raise BankLockedError(LOCKED_MESSAGE.format("This bank version"))

    def update(self, **kwargs: Any) -> int:
        self._refuse_locked()
        return super().update(**kwargs)

    update.queryset_only = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_locked()
        return super().delete()

    delete.queryset_only = True  # type: ignore[attr-defined]


class BankContentQuerySet(DraftOnlyQuerySet):
    """Rows inside a bank version: new rows cannot be added to a locked version either."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        parent_ids = {getattr(obj, f"{self.model.parent_field}_id") for obj in objs}
        if self.model.locked_parents().filter(pk__in=parent_ids).exists():
            raise BankLockedError(LOCKED_MESSAGE.format("This bank version"))
        return super().bulk_create(objs, *args, **kwargs)


class BankContent(models.Model):
    """A row inside a bank version; it can only be written while the version is a draft."""

    # The foreign key to the parent row, and the path from the parent to the bank's status.
    parent_field: ClassVar[str]
    parent_status: ClassVar[str]

    objects = BankContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    @classmethod
    def bank_status_lookup(cls) -> str:
        return f"{cls.parent_field}__{cls.parent_status}"

    @classmethod
    def locked_parents(cls) -> models.QuerySet:
        parent = cls._meta.get_field(cls.parent_field).related_model
        return parent._base_manager.exclude(**{cls.parent_status: QuestionBank.Status.DRAFT})

    def _refuse_if_locked(self) -> None:
        parent_id = getattr(self, f"{self.parent_field}_id")
        moved_from_locked = (
            not self._state.adding
            and type(self)
            ._base_manager.filter(pk=self.pk)
            .exclude(**{self.bank_status_lookup(): QuestionBank.Status.DRAFT})
            .exists()
        )
        if moved_from_locked or self.locked_parents().filter(pk=parent_id).exists():
            raise BankLockedError(LOCKED_MESSAGE.format(f"The bank version of {self}"))


class QuestionBank(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    slug = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    scale_min = models.PositiveSmallIntegerField(default=SCALE_MIN)
    scale_max = models.PositiveSmallIntegerField(default=SCALE_MAX)
    pitfall_areas = models.JSONField(default=dict, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = DraftOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="bank_unique_version"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(status="published"), name="bank_one_published"
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(status="draft"), name="bank_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(scale_min__lt=models.F("scale_max")), name="bank_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = None
        if not self._state.adding:
            stored = (
                type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
            )
        # The one change a non-draft version allows: retiring it when its successor is published.
        retiring = (
            stored == self.Status.PUBLISHED
            and self.status == self.Status.RETIRED
            and set(kwargs.get("update_fields") or ()) == {"status"}
        )
        if stored not in (None, self.Status.DRAFT) and not retiring:
            raise BankLockedError(LOCKED_MESSAGE.format(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True)
        if stored.first() not in (None, self.Status.DRAFT):
            raise BankLockedError(LOCKED_MESSAGE.format(self))
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @classmethod
    def bank_status_lookup(cls) -> str:
        return "status"


class Dimension(BankContent):
    parent_field = "bank"
    parent_status = "status"

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    weight = models.FloatField(default=1.0)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["bank", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "code"], name="dimension_unique_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="dimension_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Area(BankContent):
    parent_field = "dimension"
    parent_status = "bank__status"

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    weight = models.FloatField(default=1.0)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="area_unique_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="area_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class Question(BankContent):
    """A statement rated on the bank's scale, with its targets and its SMART action template."""

    parent_field = "area"
    parent_status = "dimension__bank__status"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=150)
    text = models.TextField(
        help_text="A statement rated from 1 (not at all) to 5 (fully, routinely)."
    )
    help = models.TextField(blank=True)
    weight = models.FloatField(default=1.0)
    position = models.PositiveSmallIntegerField(default=0)
    continues = models.CharField(
        max_length=150,
        blank=True,
        help_text="Code of the question in the previous version that this one continues.",
    )
    target_operational_excellence = models.PositiveSmallIntegerField(validators=scale_validators)
    target_product_leadership = models.PositiveSmallIntegerField(validators=scale_validators)
    target_customer_intimacy = models.PositiveSmallIntegerField(validators=scale_validators)
    # The action template lives on the question so an admin edits both on one page.
    action_title = models.CharField(max_length=200)
    action_specific = models.TextField(help_text="May use {organization}, {segment} and {area}.")
    action_kpi = models.CharField(max_length=200)
    action_unit = models.CharField(max_length=60)
    action_owner_role = models.CharField(max_length=100)
    action_effort = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (trivial) to 5 (major project).",
    )
    action_effort_days = models.FloatField(help_text="Person-days of work.")
    action_duration_weeks = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__dimension__position", "area__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="question_unique_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="question_weight_positive"),
            models.CheckConstraint(
                condition=Q(target_operational_excellence__range=(1, 5))
                & Q(target_product_leadership__range=(1, 5))
                & Q(target_customer_intimacy__range=(1, 5)),
                name="question_targets_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(action_effort__range=(1, 5)), name="question_effort_range"
            ),
            models.CheckConstraint(
                condition=Q(action_effort_days__gt=0) & Q(action_duration_weeks__gte=1),
                name="question_action_duration_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ConsistencyRule(BankContent):
    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    parent_field = "bank"
    parent_status = "status"

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(max_length=100)
    severity = models.CharField(max_length=10, choices=Severity)
    message = models.TextField()
    condition = models.JSONField(help_text="The `when` condition, as in the bank's YAML format.")
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["bank", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "code"], name="rule_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


# --- Assessment cycles ----------------------------------------------------------------------


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        SCORED = "scored", "Scored"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="assessments"
    )
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="assessments")
    label = models.CharField(max_length=40, help_text="For example “2026-Q4”.")
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    strategy_snapshot = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

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
        max_length=10, choices=[(Level.MANAGER, "Manager"), (Level.STAFF, "Staff")]
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

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
        null=True, blank=True, validators=scale_validators, help_text="Empty means “don't know”."
    )
    target = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale_validators, help_text="Owner only."
    )
    comment = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

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


# --- Reports and action plans ---------------------------------------------------------------


class Report(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="report")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    result = models.JSONField(null=True, blank=True)
    alignment_index = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=20, blank=True)
    pdf = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # Built by the worker with the result, so a page view only reads them.
    figures = models.JSONField(default=dict, blank=True, help_text="Plotly figures by name.")
    perception = models.JSONField(
        default=dict, blank=True, help_text="Answers per area and respondent group, anonymised."
    )
    timings = models.JSONField(default=dict, blank=True, help_text="Milliseconds per build phase.")
    # A summary of the result, in columns, so a portfolio of hundreds of clients never reads
    # the whole result JSON: {code: {"title": ..., "score": ...}} per dimension.
    dimension_scores = models.JSONField(default=dict, blank=True)
    weakest_dimension = models.CharField(max_length=60, blank=True)
    high_flags = models.PositiveSmallIntegerField(
        default=0, help_text="High-severity consistency flags in the result."
    )

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"Report for {self.assessment} ({self.status})"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="action_items"
    )
    question_code = models.CharField(max_length=150)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    specific = models.TextField()
    kpi = models.CharField(max_length=200)
    unit = models.CharField(max_length=60)
    baseline = models.FloatField()
    target = models.FloatField()
    effort = models.PositiveSmallIntegerField()
    effort_days = models.FloatField()
    feasibility = models.FloatField()
    owner_role = models.CharField(max_length=100)
    dimension_code = models.CharField(max_length=60)
    area_code = models.CharField(max_length=100)
    answers_findings = models.JSONField(default=list, blank=True)
    expected_uplift = models.FloatField()
    start = models.DateField()
    due = models.DateField()
    status = models.CharField(max_length=12, choices=Status, default=Status.TODO)
    assignee = models.CharField(max_length=120, blank=True)
    progress_note = models.TextField(blank=True, max_length=4000)
    consultant_note = models.TextField(blank=True, max_length=4000)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_code"], name="action_item_unique_question"
            ),
        ]

    def __str__(self) -> str:
        return self.title
