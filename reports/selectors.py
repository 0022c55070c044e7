"""Reads about reports and action plans, and who may act on them."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
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


# Newest cycle first; two cycles started in the same instant are told apart by id.
NEWEST_FIRST = ("-assessment__created_at", "-assessment_id")


def reports_scored() -> QuerySet[Report]:
    """Return the reports that carry an alignment index: the only ones that count as results.

    A ready report of a cycle with too few answers has no index ("insufficient data"); it must
    never stand for the organization's latest result, its trend or its peers' spread. Every
    "latest" on the organization page, the portfolio, the client dashboard, the benchmarks and
    the API starts from here.
    """
    return Report.objects.filter(status=Report.Status.READY, alignment_index__isnull=False)


def report_latest_scored(*, organization: Organization) -> Report | None:
    """Return the report of the organization's newest cycle with a scored index."""
    return (
        reports_scored()
        .filter(assessment__organization=organization)
        .select_related("assessment__bank")
        .order_by(*NEWEST_FIRST)
        .first()
    )


def assessment_latest_scored(*, organization: Organization) -> Assessment | None:
    """Return the organization's newest cycle with a scored index, its report joined."""
    report = report_latest_scored(organization=organization)
    if report is None:
        return None
    assessment = report.assessment
    assessment.report = report  # the reverse one-to-one, so callers read it without a query
    return assessment


@dataclass(frozen=True, slots=True)
class CycleUndo:
    """What the owner may still undo on a cycle, and what deleting it would take away."""

    scored: bool  # its report carries an index: the cycle is history, kept as it is
    building: bool  # a build is queued or running: wait for it to end
    can_reopen: bool
    can_delete: bool
    responses: int
    submitted: int
    answers: int
    invitations: int
    action_items: int
    has_report: bool


def cycle_undo(*, assessment: Assessment) -> CycleUndo:
    """Return whether the cycle may be reopened or deleted, and what it holds."""
    report = report_of(assessment=assessment)
    # A rebuild keeps the earlier index until it finishes, so a queued rebuild is scored too.
    scored = report is not None and report.alignment_index is not None
    building = report is not None and report.status in (
        Report.Status.QUEUED,
        Report.Status.RUNNING,
    )
    closed = assessment.status in (Assessment.Status.CLOSED, Assessment.Status.SCORED)
    counts = assessment.responses.aggregate(
        responses=Count("pk", distinct=True),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False), distinct=True),
        answers=Count("answers"),
    )
    return CycleUndo(
        scored=scored,
        building=building,
        can_reopen=closed and not scored and not building,
        can_delete=not scored and not building,
        responses=counts["responses"],
        submitted=counts["submitted"],
        answers=counts["answers"],
        invitations=assessment.invitations.count(),
        action_items=assessment.action_items.count(),
        has_report=report is not None,
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


def action_note_can_edit(*, user: User, organization: Organization) -> bool:
    """Return whether the user writes the consultant's note: a consultant with access in force."""
    return organization.consultant_grants.filter(grant_in_force(), consultant=user).exists()


def action_item_can_edit(*, user: User, item: ActionItem) -> bool:
    """Return whether the user may change the action item: whoever manages its reports."""
    return report_can_manage(user=user, organization=item.assessment.organization)
