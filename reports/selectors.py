"""Reads about reports and action plans, and who may act on them."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.utils import timezone

from assessments.models import Assessment
from organizations.models import Organization, grant_in_force
from organizations.selectors import is_owner
from reports.models import ActionItem, Report

# A report is built from final answers: an open (or never opened) cycle has none to rebuild.
UNBUILDABLE = (Assessment.Status.DRAFT, Assessment.Status.OPEN)


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


def report_is_stalled(*, report: Report, now: datetime | None = None, limit_s: float) -> bool:
    """Return whether a queued or running report has waited far longer than a build may take."""
    if report.status not in (Report.Status.QUEUED, Report.Status.RUNNING):
        return False
    since = report.started_at if report.status == Report.Status.RUNNING else report.queued_at
    if since is None:
        return True
    return ((now or timezone.now()) - since).total_seconds() > limit_s


# --- Who may act on reports: the one place the pages, the API and templates ask -------------


def report_can_manage(*, user: User, organization: Organization) -> bool:
    """Return whether the user may rebuild reports and edit action plans: owners, consultants."""
    if is_owner(user=user, organization=organization):
        return True
    return organization.consultant_grants.filter(grant_in_force(), consultant=user).exists()


def report_can_rebuild(*, user: User, assessment: Assessment) -> bool:
    """Return whether the user may rebuild the cycle's report now: a manager, a closed cycle."""
    if assessment.status in UNBUILDABLE:
        return False
    return report_can_manage(user=user, organization=assessment.organization)


def action_item_can_edit(*, user: User, item: ActionItem) -> bool:
    """Return whether the user may change the action item: whoever manages its reports."""
    return report_can_manage(user=user, organization=item.assessment.organization)
