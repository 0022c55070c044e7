"""Versioned question banks: dimensions, areas, questions, action templates, rules."""

from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar, cast

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scoring.constants import (
    AREA_CODE_MAX,
    DEFAULT_LANGUAGE,
    DIMENSION_CODE_MAX,
    KPI_MAX,
    LANGUAGE_CODE_MAX,
    OWNER_ROLE_MAX,
    QUESTION_CODE_MAX,
    RULE_CODE_MAX,
    SLUG_MAX,
    TITLE_MAX,
    UNIT_MAX,
)

SCALE_MIN, SCALE_MAX = 1, 5


scale_validators = [MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]


class KpiDirection(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class BankLockedError(Exception):
    """A published or retired bank version never changes; edit a new draft instead."""


LOCKED_MESSAGE = "{} is not a draft: published and retired versions cannot change"


# The rows these querysets hold: each model class knows the lookup to its bank's status.
_Locked = TypeVar("_Locked", bound="QuestionBank | BankContent", covariant=True)
_Content = TypeVar("_Content", bound="BankContent", covariant=True)


class DraftOnlyQuerySet(models.QuerySet[_Locked]):
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


class BankContentQuerySet(DraftOnlyQuerySet[_Content]):
    """Rows inside a bank version: new rows cannot be added to a locked version either."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        parent_ids = {getattr(obj, f"{self.model.parent_field}_id") for obj in objs}
        if self.model.locked_parents().filter(pk__in=parent_ids).exists():
            raise BankLockedError(LOCKED_MESSAGE.format("This bank version"))
        return super().bulk_create(objs, *args, **kwargs)


class Translated(models.Model):
    """A bank row whose texts may come in several languages.

    The text columns hold the bank's own language (QuestionBank.language); `translations`
    holds the others, {"de": {"text": "...", "help": "..."}, ...}. A JSON field rather than
    django-modeltranslation's column per language or django-parler's translation tables:
    a bank version is published once and never changes, its languages arrive as data in the
    YAML file, and adding a language must not need a migration nor a join on every
    questionnaire page. The engine reads the same maps ({en: ..., de: ...}) the file holds.
    """

    # The text columns a translation may replace.
    translated_fields: ClassVar[tuple[str, ...]]

    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("Texts in other languages: {language: {field: text}}."),
    )

    class Meta:
        abstract = True

    def text_in(self, field: str, language: str | None) -> str:
        """Return a text in language, else in the bank's own language (the column)."""
        default: str = getattr(self, field)
        if not language or not self.translations:
            return default
        for code in (language, language.split("-")[0]):
            text = (self.translations.get(code) or {}).get(field)
            if text:
                return str(text)
        return default

    @property
    def i18n(self) -> "LocalizedTexts":
        """Return the texts in the active language: `{{ question.i18n.text }}` in a template."""
        return LocalizedTexts(self, get_language())


class LocalizedTexts:
    """A row's texts in one language, read as attributes (for templates)."""

    __slots__ = ("language", "row")

    def __init__(self, row: Translated, language: str | None) -> None:
        self.row = row
        self.language = language

    def __getattr__(self, name: str) -> str:
        if name not in type(self.row).translated_fields:
            raise AttributeError(name)
        return self.row.text_in(name, self.language)

    def __str__(self) -> str:
        return self.row.text_in(type(self.row).translated_fields[0], self.language)


class BankContent(Translated):
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
        # parent_field names a ForeignKey, whose related model is always a model class.
        parent = cast("type[models.Model]", cls._meta.get_field(cls.parent_field).related_model)
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


class QuestionBank(Translated):
    translated_fields = ("title",)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(_("slug"), max_length=SLUG_MAX)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    language = models.CharField(
        _("language"),
        max_length=LANGUAGE_CODE_MAX,
        default=DEFAULT_LANGUAGE,
        help_text=_("The language of the text columns; translations fall back to it."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    scale_min = models.PositiveSmallIntegerField(_("lowest scale point"), default=SCALE_MIN)
    scale_max = models.PositiveSmallIntegerField(_("highest scale point"), default=SCALE_MAX)
    pitfall_areas = models.JSONField(_("pitfall areas"), default=dict, blank=True)
    pitfall_remedies = models.JSONField(
        _("pitfall remedies"),
        default=dict,
        blank=True,
        help_text=_("Question codes that answer each pitfall."),
    )
    pulse_questions = models.JSONField(
        _("pulse questions"),
        default=list,
        blank=True,
        help_text=_("Question codes always asked in pulse check-ins."),
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords(table_name="assessments_historicalquestionbank")

    objects = DraftOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("question bank version")
        verbose_name_plural = _("question bank versions")
        db_table = "assessments_questionbank"  # kept from before the app split
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

    @property
    def label(self) -> str:
        """Return the version as people read it, e.g. "SMB strategic alignment, version 2"."""
        return _("“%(title)s”, version %(version)s") % {
            "title": self.text_in("title", get_language()) or self.slug,
            "version": self.version,
        }

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
    translated_fields = ("title",)
    parent_field = "bank"
    parent_status = "status"

    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("bank version"),
        on_delete=models.CASCADE,
        related_name="dimensions",
    )
    code = models.CharField(_("code"), max_length=DIMENSION_CODE_MAX)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    weight = models.FloatField(_("weight"), default=1.0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords(table_name="assessments_historicaldimension")

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        db_table = "assessments_dimension"  # kept from before the app split
        ordering = ["bank", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "code"], name="dimension_unique_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="dimension_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Area(BankContent):
    translated_fields = ("title",)
    parent_field = "dimension"
    parent_status = "bank__status"

    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.CASCADE, related_name="areas"
    )
    code = models.CharField(_("code"), max_length=AREA_CODE_MAX)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    weight = models.FloatField(_("weight"), default=1.0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords(table_name="assessments_historicalarea")

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        db_table = "assessments_area"  # kept from before the app split
        ordering = ["dimension__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="area_unique_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="area_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class Question(BankContent):
    """A statement rated on the bank's scale, with its targets and its SMART action template."""

    translated_fields = (
        "text",
        "help",
        "action_title",
        "action_specific",
        "action_kpi",
        "action_unit",
        "action_owner_role",
        "scale_back_title",
        "scale_back_specific",
        "scale_back_kpi",
        "scale_back_unit",
        "scale_back_owner_role",
    )
    parent_field = "area"
    parent_status = "dimension__bank__status"

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="questions"
    )
    code = models.CharField(_("code"), max_length=QUESTION_CODE_MAX)
    text = models.TextField(
        _("statement"),
        help_text=_("A statement rated from 1 (not at all) to 5 (fully, routinely)."),
    )
    help = models.TextField(_("help text"), blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    continues = models.CharField(
        _("continues"),
        max_length=QUESTION_CODE_MAX,
        blank=True,
        help_text=_("Code of the question in the previous version that this one continues."),
    )
    target_operational_excellence = models.PositiveSmallIntegerField(
        _("target for operational excellence"), validators=scale_validators
    )
    target_product_leadership = models.PositiveSmallIntegerField(
        _("target for product leadership"), validators=scale_validators
    )
    target_customer_intimacy = models.PositiveSmallIntegerField(
        _("target for customer intimacy"), validators=scale_validators
    )
    # The action template lives on the question so an admin edits both on one page.
    action_title = models.CharField(_("action title"), max_length=TITLE_MAX)
    action_specific = models.TextField(
        _("what to do"),
        # Translators: the words in braces are placeholders the admin types; keep them as they are.
        help_text=_("May use {organization}, {segment} and {area}."),
    )
    action_kpi = models.CharField(_("KPI"), max_length=KPI_MAX)
    action_unit = models.CharField(_("KPI unit"), max_length=UNIT_MAX)
    action_owner_role = models.CharField(_("owner role"), max_length=OWNER_ROLE_MAX)
    action_effort = models.PositiveSmallIntegerField(
        _("effort"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (trivial) to 5 (major project)."),
    )
    action_effort_days = models.FloatField(_("person-days"), help_text=_("Person-days of work."))
    action_duration_weeks = models.PositiveSmallIntegerField(_("duration in weeks"))
    action_kpi_target = models.FloatField(
        _("KPI target"),
        null=True,
        blank=True,
        help_text=_("In the KPI's own unit; empty: set at the first reading."),
    )
    action_kpi_direction = models.CharField(
        _("KPI direction"), max_length=4, choices=KpiDirection, default=KpiDirection.UP
    )
    # The action when practice goes beyond what the strategy needs ("scale back"); no title
    # means the question has none, and then practice above target never becomes a plan item.
    scale_back_title = models.CharField(_("scale-back title"), max_length=TITLE_MAX, blank=True)
    scale_back_specific = models.TextField(_("scale-back: what to do"), blank=True)
    scale_back_kpi = models.CharField(_("scale-back KPI"), max_length=KPI_MAX, blank=True)
    scale_back_unit = models.CharField(_("scale-back KPI unit"), max_length=UNIT_MAX, blank=True)
    scale_back_owner_role = models.CharField(
        _("scale-back owner role"), max_length=OWNER_ROLE_MAX, blank=True
    )
    scale_back_effort = models.PositiveSmallIntegerField(
        _("scale-back effort"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    scale_back_effort_days = models.FloatField(_("scale-back person-days"), null=True, blank=True)
    scale_back_duration_weeks = models.PositiveSmallIntegerField(
        _("scale-back duration in weeks"), null=True, blank=True
    )
    scale_back_kpi_target = models.FloatField(_("scale-back KPI target"), null=True, blank=True)
    scale_back_kpi_direction = models.CharField(
        _("scale-back KPI direction"), max_length=4, choices=KpiDirection, default=KpiDirection.DOWN
    )
    history = HistoricalRecords(table_name="assessments_historicalquestion")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        db_table = "assessments_question"  # kept from before the app split
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
        LOW = "low", pgettext_lazy("severity", "Low")
        MEDIUM = "medium", pgettext_lazy("severity", "Medium")
        HIGH = "high", pgettext_lazy("severity", "High")

    translated_fields = ("message",)
    parent_field = "bank"
    parent_status = "status"

    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank version"), on_delete=models.CASCADE, related_name="rules"
    )
    code = models.CharField(_("code"), max_length=RULE_CODE_MAX)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity)
    message = models.TextField(_("message"))
    condition = models.JSONField(
        _("condition"), help_text=_("The `when` condition, as in the bank's YAML format.")
    )
    remedies = models.JSONField(
        _("remedies"),
        default=list,
        blank=True,
        help_text=_("Codes of the questions whose plan items fix it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords(table_name="assessments_historicalconsistencyrule")

    class Meta:
        verbose_name = _("consistency rule")
        verbose_name_plural = _("consistency rules")
        db_table = "assessments_consistencyrule"  # kept from before the app split
        ordering = ["bank", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "code"], name="rule_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code
