"""Reads about drift events, for the alerts page and the consultant portfolio."""

from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from alerts.models import AlertSettings, DriftEvent
from organizations.models import Organization

RECENT = timedelta(days=30)


def alert_settings_of(*, organization: Organization) -> AlertSettings:
    """The organization's alert settings; the defaults (every kind, no webhook) when unset."""
    found = AlertSettings.objects.filter(organization=organization).first()
    return found or AlertSettings(organization=organization)


def recent_events(*, organization: Organization) -> QuerySet[DriftEvent]:
    """The organization's events of the last 30 days, newest first."""
    since = timezone.now() - RECENT
    return DriftEvent.objects.filter(organization=organization, created_at__gte=since).order_by(
        "-created_at", "-pk"
    )


def drift_count() -> Coalesce:
    """For an Organization queryset: how many drift events it recorded in the last 30 days.

    A subquery, not a join, so it adds no rows and no GROUP BY to the query it annotates.
    """
    since = timezone.now() - RECENT
    counted = (
        DriftEvent.objects.filter(organization=OuterRef("pk"), created_at__gte=since)
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
