"""Reports built from a scored cycle, and their SMART action items."""

from django.db import models

from assessments.models import Assessment


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
        db_table = "assessments_report"  # kept from before the app split
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
        db_table = "assessments_actionitem"  # kept from before the app split
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_code"], name="action_item_unique_question"
            ),
        ]

    def __str__(self) -> str:
        return self.title
