"""Reads about KPI readings: each item's status, its series, and who may record readings.

Statuses come from `scoring.kpi` (the formula lives in the engine); this module only fetches,
for many items at once, what the formula needs: every function here costs a fixed number of
queries, whatever the number of items or organizations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership, Organization, grant_in_force
from reports.models import ActionItem, KpiReading
from reports.selectors import NEWEST_FIRST, reports_scored
from scoring.kpi import ACHIEVED, BEHIND, NO_DATA, ON_TRACK, KpiPlan, kpi_status

__all__ = [
    "KPI_STATUS_LABELS",
    "kpi_behind_counts",
    "kpi_plan_of",
    "kpi_reading_can_record",
    "kpi_record_rights",
    "kpi_record_rights_many",
    "kpi_series",
    "kpi_statuses",
]

KPI_STATUS_LABELS = {
    NO_DATA: _("No data"),
    ON_TRACK: _("On track"),
    BEHIND: _("Behind"),
    ACHIEVED: _("Achieved"),
}
ItemsArg = Iterable[ActionItem] | QuerySet[ActionItem]


def kpi_plan_of(item: ActionItem) -> KpiPlan:
    """Return what the item promises about its KPI, as the engine reads it."""
    return KpiPlan(
        direction=item.kpi_direction,
        baseline=item.baseline,
        target=item.target,
        start=item.start,
        due=item.due,
    )


def _latest(column: str) -> Subquery:
    """Return a column of each item's latest reading by date, as a subquery."""
    latest = KpiReading.objects.filter(action_item=OuterRef("pk")).order_by("-measured_on")
    return Subquery(latest.values(column)[:1])


PLAN_COLUMNS = ("pk", "kpi_direction", "baseline", "target", "start", "due")


def _status(row: tuple[Any, ...]) -> str:
    _pk, direction, baseline, target, start, due, latest_on, latest_value = row[:8]
    plan = KpiPlan(direction=direction, baseline=baseline, target=target, start=start, due=due)
    latest = None if latest_on is None else (latest_on, latest_value)
    return kpi_status(plan, latest)


def _item_ids(items: ItemsArg) -> Any:
    """Return the items' ids as a subquery or a list; None when there are none to look at."""
    if isinstance(items, QuerySet):
        return items.order_by().values("pk")
    ids = [item.pk for item in items if item.pk is not None]
    return ids or None


def kpi_statuses(items: ItemsArg) -> dict[int, str]:
    """Return each item's KPI status by id, in one query (none for an empty list).

    `items` may be action items or a queryset of them; the plan fields are read fresh from the
    database together with each item's latest reading.
    """
    ids = _item_ids(items)
    if ids is None:
        return {}
    rows = (
        ActionItem.objects.filter(pk__in=ids)
        .annotate(latest_on=_latest("measured_on"), latest_value=_latest("value"))
        .order_by()
        .values_list(*PLAN_COLUMNS, "latest_on", "latest_value")
    )
    return {row[0]: _status(row) for row in rows}


def kpi_behind_counts(organization_ids: Iterable[int]) -> dict[int, int]:
    """Return, per organization, how many KPIs of its latest scored plan are behind: one query.

    Every organization asked about is in the answer, with 0 when none is behind.
    """
    ids = list(organization_ids)
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    latest_cycle = (
        reports_scored()
        .filter(assessment__organization=OuterRef("assessment__organization"))
        .order_by(*NEWEST_FIRST)
        .values("assessment_id")[:1]
    )
    rows = (
        ActionItem.objects.filter(assessment__organization__in=ids)
        .filter(assessment_id=Subquery(latest_cycle))
        .annotate(latest_on=_latest("measured_on"), latest_value=_latest("value"))
        .filter(latest_on__isnull=False)  # no reading: no_data, never behind
        .order_by()
        .values_list(*PLAN_COLUMNS, "latest_on", "latest_value", "assessment__organization_id")
    )
    for row in rows:
        if _status(row) == BEHIND:
            counts[row[8]] += 1
    return counts


def kpi_series(items: ItemsArg) -> dict[int, list[KpiReading]]:
    """Return each item's readings, oldest first, by item id: one query."""
    ids = _item_ids(items)
    series: dict[int, list[KpiReading]] = defaultdict(list)
    if ids is None:
        return series
    for reading in KpiReading.objects.filter(action_item_id__in=ids).order_by(
        "action_item_id", "measured_on"
    ):
        series[reading.action_item_id].append(reading)
    return series


# --- Who may record readings ------------------------------------------------------------------


def _names_of(user: User) -> set[str]:
    """Return the ways an assignee field may name the user: e-mail, user name, full name."""
    names = {user.email, user.get_username(), user.get_full_name()}
    return {name.strip().casefold() for name in names if name and name.strip()}


def kpi_record_rights_many(
    *, user: User | AnonymousUser, organization_ids: Iterable[int]
) -> Callable[[ActionItem], bool]:
    """Return a test of whether the user may record readings for an item of these organizations.

    Owners and consultants with access record for every item; another member records only for
    the items assigned to them (the assignee field holds their e-mail address, user name or full
    name, compared without case). Two queries, however many organizations.
    """
    ids = set(organization_ids)
    if not user.is_authenticated or not ids:
        return lambda item: False
    roles = dict(
        Membership.objects.filter(user=user, organization__in=ids).values_list(
            "organization_id", "role"
        )
    )
    managed = {pk for pk, role in roles.items() if role == Membership.Role.OWNER}
    managed |= set(
        Organization.objects.filter(
            grant_in_force("consultant_grants__"),
            pk__in=ids,
            consultant_grants__consultant=user,
        ).values_list("pk", flat=True)
    )
    names = _names_of(user)

    def may_record(item: ActionItem) -> bool:
        organization_id = item.assessment.organization_id
        if organization_id in managed:
            return True
        return organization_id in roles and item.assignee.strip().casefold() in names

    return may_record


def kpi_record_rights(
    *, user: User | AnonymousUser, organization: Organization
) -> Callable[[ActionItem], bool]:
    """Return `kpi_record_rights_many` for one organization (once per page, not per item)."""
    return kpi_record_rights_many(user=user, organization_ids=[organization.pk])


def kpi_reading_can_record(*, user: User | AnonymousUser, item: ActionItem) -> bool:
    """Return whether the user may record readings for this one item."""
    return kpi_record_rights(user=user, organization=item.assessment.organization)(item)


def kpi_readings_newer(assessment: Any, report: Any) -> bool:
    """Return whether a reading of the cycle's actions was recorded after the report was built."""
    if report.finished_at is None:
        return False
    return KpiReading.objects.filter(
        action_item__assessment=assessment, created_at__gt=report.finished_at
    ).exists()
