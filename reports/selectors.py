"""Reads about reports and action plans."""

from django.db.models import Count, Q

from assessments.models import Assessment
from organizations.models import Organization
from reports.models import ActionItem, Report


def report_of(*, assessment: Assessment) -> Report | None:
    """Return the assessment's report row, if one was requested."""
    return Report.objects.filter(assessment=assessment).first()


def assessment_latest_scored(*, organization: Organization) -> Assessment | None:
    """Return the organization's newest cycle with a ready report."""
    return (
        organization.assessments.filter(report__status=Report.Status.READY)
        .select_related("report", "bank")
        .order_by("-created_at")
        .first()
    )


def action_plan_progress(*, assessment: Assessment) -> dict[str, int]:
    """Return how many action items the cycle has and how many are done."""
    return assessment.action_items.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status=ActionItem.Status.DONE))
    )
