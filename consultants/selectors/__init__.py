"""Reads about consultant grants."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.db.models import QuerySet

from consultants.models import ConsultantAccess
from organizations.models import Organization


def consultant_grants_of(*, organization: Organization) -> QuerySet[ConsultantAccess]:
    """Return every grant of the organization: open ones first, then the latest closed."""
    from django.db.models import F

    return organization.consultant_grants.select_related("consultant", "granted_by").order_by(
        F("revoked_at").desc(nulls_first=True), "-granted_at", "-pk"
    )


def consultant_grant_log(*, organization: Organization) -> QuerySet:
    """Return the history of the organization's grants (granted, accepted, declined, revoked)."""
    return (
        ConsultantAccess.history.filter(organization_id=organization.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def verified_addresses_of(*, user: User) -> QuerySet:
    """Return the addresses the user proved by following a mailed link (stored normalised)."""
    return EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)


def consultant_grants_pending_for(*, user: User) -> QuerySet[ConsultantAccess]:
    """Return the open grants addressed to one of the user's verified addresses."""
    if not user.is_authenticated:
        return ConsultantAccess.objects.none()
    return (
        ConsultantAccess.objects.filter(
            email__in=verified_addresses_of(user=user),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("organization", "granted_by")
        .order_by("-granted_at", "-pk")
    )


def works_as_consultant(*, user: User) -> bool:
    """Return whether the user has a client, or an offer of one waiting for an answer."""
    # One query: the navigation asks this on every page of a logged-in user.
    grants = consultant_grants_active_for(user=user) | consultant_grants_pending_for(user=user)
    return grants.exists()


def consultant_grants_active_for(*, user: User) -> QuerySet[ConsultantAccess]:
    """Return the grants in force that the user accepted, with their organizations."""
    return (
        ConsultantAccess.objects.filter(ConsultantAccess.in_force(), consultant=user)
        .select_related("organization")
        .order_by("organization__name")
    )
