"""Reads about drift events, for the alerts page and the consultant portfolio."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
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


def drift_count_annotation() -> Count:
    """For an Organization queryset: how many events it recorded in the last 30 days."""
    since = timezone.now() - RECENT
    return Count("drift_events", filter=Q(drift_events__created_at__gte=since), distinct=True)
