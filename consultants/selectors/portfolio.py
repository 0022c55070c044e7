"""The consultant's portfolio: one row per client organization that granted access.

Every column comes from correlated subqueries over the reports' summary columns and the action
items, so a page costs the same few queries whether the consultant has ten clients or five
hundred, and the result JSON of a report is never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import User
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    JSONField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alerts.selectors import drift_count
from assessments.models import Assessment
from consultants.models import ConsultantAccess
from organizations.models import Organization
from organizations.zones import zone_of
from reports.bands import band_label
from reports.kpi import kpi_behind_counts
from reports.models import ActionItem, Report
from reports.numbers import points, points_change
from reports.selectors import NEWEST_FIRST, reports_scored

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

NO_REPORT = "none"  # the band filter's value for clients without a scored cycle yet

SORT_KEYS = {
    "name": _("Name"),
    "index": _("Alignment index"),
    "change": _("Change"),
    "days": _("Days since last assessment"),
    "flags": _("High-severity flags"),
    "overdue": _("Overdue actions"),
}
DEFAULT_SORT = "name"
PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class PortfolioQuery:
    """What the consultant asked for: search, filters and sort ("-" prefix: descending)."""

    q: str = ""
    band: str = ""
    industry: str = ""
    stale: str = ""  # "yes" | "no" | ""
    overdue: str = ""  # "yes" | "no" | ""
    kpis: str = ""  # "behind": only clients with a KPI behind its plan
    drift: str = ""  # "yes" | "no": drift recorded in the last 30 days
    sort: str = DEFAULT_SORT


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    organization_id: int
    name: str
    industry: str
    latest_id: int | None
    latest_label: str
    index: float | None
    band: str
    change: int | None  # difference of the two whole-point indexes shown
    weakest: str
    high_flags: int | None
    actions_done: int
    actions_total: int
    actions_overdue: int
    report_status: str
    last_assessed: date | None
    days_since: int | None
    stale: bool
    reminded_at: datetime | None
    reminded_on: date | None  # the reminder's day in the organization's zone
    kpis_behind: int = 0  # KPIs of the latest scored plan whose latest reading is behind
    drift: int = 0  # drift events recorded in the last 30 days

    @property
    def band_label(self) -> str:
        return band_label(self.band)

    @property
    def trend(self) -> str:
        """Return up, down or flat for the change in the points shown."""
        if self.change is None:
            return ""
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"


def portfolio_clients(*, user: User) -> QuerySet[Organization]:
    """Return the organizations with a grant to this consultant in force."""
    if not user.is_authenticated:
        return Organization.objects.none()
    granted = ConsultantAccess.objects.filter(ConsultantAccess.in_force(), consultant=user)
    return Organization.objects.filter(pk__in=granted.values("organization_id"))


class PortfolioColumns(TypedDict):
    """The columns `_annotated` adds to each client organization."""

    latest_id: int | None
    latest_label: str | None
    latest_index: float | None
    latest_band: str | None
    weakest_code: str | None
    latest_dimensions: Any
    drift_recent: int
    high_flags: int | None
    previous_index: float | None
    change: float | None
    actions_total: int
    actions_done: int
    actions_overdue: int
    newest_status: str | None
    newest_report_status: str | None
    last_assessed: datetime | None


def _annotated(
    organizations: QuerySet[Organization], *, today: date
) -> QuerySet[WithAnnotations[Organization, PortfolioColumns]]:
    # A cycle counts only once its report carries an index; newest first, ties by id.
    ready = reports_scored().filter(assessment__organization=OuterRef("pk")).order_by(*NEWEST_FIRST)
    latest, previous = ready[:1], ready[1:2]
    newest = Assessment.objects.filter(organization=OuterRef("pk")).order_by("-created_at", "-pk")
    closed = Assessment.objects.filter(
        organization=OuterRef("pk"), closed_at__isnull=False
    ).order_by("-closed_at")

    def item_count(condition: Q) -> Coalesce:
        counted = (
            ActionItem.objects.filter(condition, assessment_id=OuterRef("latest_id"))
            .order_by()
            .values("assessment_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    not_done = ~Q(status=ActionItem.Status.DONE)
    return organizations.annotate(
        latest_id=Subquery(latest.values("assessment_id")),
        latest_label=Subquery(latest.values("assessment__label")),
        latest_index=Subquery(latest.values("alignment_index"), output_field=FloatField()),
        latest_band=Subquery(latest.values("band")),
        weakest_code=Subquery(latest.values("weakest_dimension")),
        latest_dimensions=Subquery(latest.values("dimension_scores"), output_field=JSONField()),
        high_flags=Subquery(latest.values("high_flags"), output_field=IntegerField()),
        previous_index=Subquery(previous.values("alignment_index"), output_field=FloatField()),
        change=F("latest_index") - F("previous_index"),
        actions_total=item_count(Q()),
        actions_done=item_count(Q(status=ActionItem.Status.DONE)),
        actions_overdue=item_count(not_done & Q(due__lt=today)),
        newest_status=Subquery(newest.values("status")[:1]),
        newest_report_status=Subquery(newest.values("report__status")[:1]),
        last_assessed=Subquery(closed.values("closed_at")[:1]),
        drift_recent=drift_count(),
    )


def _stale_condition(*, cutoff: datetime) -> Q:
    # A client never assessed needs attention as much as one assessed long ago.
    return Q(last_assessed__isnull=True) | Q(last_assessed__lt=cutoff)


def _order(sort: str) -> list[OrderBy | Any]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, descending = DEFAULT_SORT, False
    name = Lower("name").desc() if descending and key == "name" else Lower("name").asc()
    if key == "name":
        return [name, "pk"]
    if key == "days":
        # More days since means an older date; never assessed counts as the most days.
        field = F("last_assessed")
        first = field.asc(nulls_first=True) if descending else field.desc(nulls_last=True)
        return [first, Lower("name").asc(), "pk"]
    column = {
        "index": "latest_index",
        "change": "change",
        "flags": "high_flags",
        "overdue": "actions_overdue",
    }[key]
    field = F(column)
    first = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return [first, Lower("name").asc(), "pk"]


def portfolio_rows(
    *,
    user: User,
    query: PortfolioQuery,
    today: date | None = None,
    stale_days: int,
) -> QuerySet[Organization]:
    """Return the consultant's clients with the portfolio columns, filtered and sorted."""
    today = today or timezone.localdate()
    cutoff = timezone.now() - timedelta(days=stale_days)
    rows = _annotated(portfolio_clients(user=user), today=today).annotate(
        is_stale=Case(
            When(_stale_condition(cutoff=cutoff), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if query.q.strip():
        rows = rows.filter(name__icontains=query.q.strip())
    if query.industry:
        rows = rows.filter(industry=query.industry)
    if query.band == NO_REPORT:
        rows = rows.filter(latest_id__isnull=True)
    elif query.band:
        rows = rows.filter(latest_band=query.band)
    if query.stale == "yes":
        rows = rows.filter(_stale_condition(cutoff=cutoff))
    elif query.stale == "no":
        rows = rows.exclude(_stale_condition(cutoff=cutoff))
    if query.overdue == "yes":
        rows = rows.filter(actions_overdue__gt=0)
    elif query.overdue == "no":
        rows = rows.filter(actions_overdue=0)
    if query.drift == "yes":
        rows = rows.filter(drift_recent__gt=0)
    elif query.drift == "no":
        rows = rows.filter(drift_recent=0)
    if query.kpis == "behind":
        # The status is the engine's formula, so it is counted in Python: one query over all
        # the consultant's clients, whose answer filters the rows.
        behind = kpi_behind_counts(portfolio_clients(user=user).values_list("pk", flat=True))
        rows = rows.filter(pk__in=[pk for pk, count in behind.items() if count])
    return rows.order_by(*_order(query.sort))


REPORT_STATUS_TEXTS = {
    Report.Status.QUEUED: _("Report queued"),
    Report.Status.RUNNING: _("Report building"),
    Report.Status.READY: _("Report ready"),
    Report.Status.FAILED: _("Report failed"),
}


def _report_status(organization: Any) -> str:
    if organization.newest_status is None:
        return gettext("No cycle yet")
    if organization.newest_status in (Assessment.Status.OPEN, Assessment.Status.DRAFT):
        return gettext("Cycle open")
    if organization.newest_report_status in REPORT_STATUS_TEXTS:
        return str(REPORT_STATUS_TEXTS[organization.newest_report_status])
    return gettext("Closed, no report")


def portfolio_row(organization: Any, *, today: date, kpis_behind: int = 0) -> PortfolioRow:
    """Return the display row of one annotated organization from `portfolio_rows`."""
    dimensions = organization.latest_dimensions or {}
    weakest = dimensions.get(organization.weakest_code or "", {}).get("title", "")
    last = organization.last_assessed
    # Each client's days are counted in its own zone, whichever zone the page is in.
    zone = zone_of(organization)
    last_date = timezone.localdate(last, zone) if last else None
    return PortfolioRow(
        organization_id=organization.pk,
        name=organization.name,
        industry=organization.get_industry_display(),
        latest_id=organization.latest_id,
        latest_label=organization.latest_label or "",
        index=organization.latest_index,
        band=organization.latest_band or "",
        change=points_change(organization.previous_index, organization.latest_index),
        weakest=weakest or organization.weakest_code or "",
        high_flags=organization.high_flags,
        actions_done=organization.actions_done,
        actions_total=organization.actions_total,
        actions_overdue=organization.actions_overdue,
        report_status=_report_status(organization),
        last_assessed=last_date,
        days_since=(today - last_date).days if last_date else None,
        stale=organization.is_stale,
        reminded_at=organization.reminded_at,
        reminded_on=(
            timezone.localdate(organization.reminded_at, zone) if organization.reminded_at else None
        ),
        kpis_behind=kpis_behind,
        drift=organization.drift_recent,
    )


def portfolio_display_rows(organizations: Iterable[Any], *, today: date) -> list[PortfolioRow]:
    """Return the display rows of annotated organizations, with their KPIs behind: one query.

    The KPI status is the engine's formula over each item's latest reading, so it is counted in
    Python for the rows shown (a page, or an export), never for the whole portfolio.
    """
    organizations = list(organizations)
    behind = kpi_behind_counts([organization.pk for organization in organizations])
    return [
        portfolio_row(organization, today=today, kpis_behind=behind[organization.pk])
        for organization in organizations
    ]


EXPORT_HEADERS = (
    _("Client"),
    _("Industry"),
    _("Latest scored cycle"),
    _("Alignment index"),
    _("Band"),
    _("Change (points)"),
    _("Weakest dimension"),
    _("High-severity flags"),
    _("Actions done"),
    _("Actions total"),
    _("Actions overdue"),
    _("KPIs behind"),
    _("Drift (30 days)"),
    _("Report status"),
    _("Last assessed"),
    _("Days since"),
    _("Stale"),
    _("Reminder sent"),
)


def portfolio_table(rows: Iterable[PortfolioRow]) -> list[Sequence[Any]]:
    """Return the rows as table cells for CSV/XLSX, in the order of EXPORT_HEADERS."""
    return [
        (
            row.name,
            row.industry,
            row.latest_label,
            points(row.index),
            row.band_label,
            row.change,
            row.weakest,
            row.high_flags,
            row.actions_done,
            row.actions_total,
            row.actions_overdue,
            row.kpis_behind,
            row.drift,
            row.report_status,
            row.last_assessed,
            row.days_since,
            gettext("yes") if row.stale else gettext("no"),
            row.reminded_on,
        )
        for row in rows
    ]
