"""Reports built from a scored cycle, and their SMART action items."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from assessments.models import Assessment
from reports.numbers import short_number


class Report(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report status", "Queued")
        RUNNING = "running", pgettext_lazy("report status", "Building")
        READY = "ready", pgettext_lazy("report status", "Ready")
        FAILED = "failed", pgettext_lazy("report status", "Failed")

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
    figures = models.JSONField(
        default=dict, blank=True, help_text=gettext_lazy("Plotly figures by name.")
    )
    perception = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("Answers per area and respondent group, anonymised."),
    )
    timings = models.JSONField(
        default=dict, blank=True, help_text=gettext_lazy("Milliseconds per build phase.")
    )
    # A summary of the result, in columns, so a portfolio of hundreds of clients never reads
    # the whole result JSON: {code: {"title": ..., "score": ...}} per dimension.
    dimension_scores = models.JSONField(default=dict, blank=True)
    weakest_dimension = models.CharField(max_length=60, blank=True)
    high_flags = models.PositiveSmallIntegerField(
        default=0, help_text=gettext_lazy("High-severity consistency flags in the result.")
    )

    class Meta:
        db_table = "assessments_report"  # kept from before the app split
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"Report for {self.assessment} ({self.status})"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", pgettext_lazy("action status", "To do")
        IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
        DONE = "done", pgettext_lazy("action status", "Done")

    class Direction(models.TextChoices):
        # Translators: an action raises a practice the strategy needs more of.
        RAISE = "raise", pgettext_lazy("action direction", "Raise")
        # Translators: an action scales back a practice beyond what the strategy needs.
        SCALE_BACK = "scale_back", pgettext_lazy("action direction", "Scale back")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="action_items"
    )
    question_code = models.CharField(max_length=150)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    specific = models.TextField()
    kpi = models.CharField(max_length=200)
    unit = models.CharField(max_length=60)
    # The KPI in its own unit: the target comes from the template, the baseline from the
    # first reading. The 1–5 practice levels travel apart, in practice_from / practice_to.
    kpi_direction = models.CharField(max_length=4, default="up")
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    direction = models.CharField(max_length=12, choices=Direction, default=Direction.RAISE)
    practice_from = models.FloatField(null=True, blank=True)
    practice_to = models.FloatField(null=True, blank=True)
    effort = models.PositiveSmallIntegerField()
    effort_days = models.FloatField()
    feasibility = models.FloatField()
    owner_role = models.CharField(max_length=100)
    dimension_code = models.CharField(max_length=60)
    area_code = models.CharField(max_length=100)
    # What the item fixes: codes of fired consistency rules and pitfalls.
    addresses = models.JSONField(default=list, blank=True)
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
        db_table = "assessments_actionitem"  # kept from before the app split
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_code"], name="action_item_unique_question"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kpi_goal(self) -> str:
        """Return the KPI's target and baseline in words, e.g. "target 5 % (lower is better)"."""
        better = _("lower is better") if self.kpi_direction == "down" else _("higher is better")
        unit = f" {self.unit}" if self.unit else ""
        if self.target is None:
            goal = _("target set at the first reading")
        else:
            goal = _("target %(target)s%(unit)s (%(better)s)") % {
                "target": short_number(self.target),
                "unit": unit,
                "better": better,
            }
        if self.baseline is None:
            return _("%(goal)s; the first reading sets the baseline") % {"goal": goal}
        return _("%(goal)s; baseline %(baseline)s%(unit)s") % {
            "goal": goal,
            "baseline": short_number(self.baseline),
            "unit": unit,
        }


class KpiReading(models.Model):
    """One dated value of an action item's KPI, in the KPI's own unit."""

    class Source(models.TextChoices):
        WEB = "web", gettext_lazy("Web page")
        API = "api", gettext_lazy("API")
        UPLOAD = "upload", gettext_lazy("File upload")

    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="kpi_readings"
    )
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=18, decimal_places=4)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.WEB)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action_item", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["action_item", "measured_on"], name="kpi_reading_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(measured_on__gte=date(2000, 1, 1))
                & models.Q(measured_on__lte=date(2100, 12, 31)),
                name="kpi_reading_date_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_item} on {self.measured_on}: {self.value}"
