"""Reads about organizations. Visibility is decided here, once."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from organizations.models import Membership, Organization, StrategyProfile, grant_in_force


def organizations_for_user(*, user: User | AnonymousUser) -> QuerySet[Organization]:
    """Return organizations the user belongs to or that granted them active consultant access."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        Q(memberships__user=user)
        | (Q(consultant_grants__consultant=user) & grant_in_force("consultant_grants__"))
    ).distinct()


def organization_get(*, user: User | AnonymousUser, pk: int) -> Organization:
    """Return one visible organization or raise Http404."""
    return get_object_or_404(organizations_for_user(user=user), pk=pk)


def membership_role(*, user: User, organization: Organization) -> str | None:
    """Return the user's role in the organization (owner/manager), or None for consultants."""
    return (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def is_owner(*, user: User | AnonymousUser, organization: Organization) -> bool:
    """Return whether the user holds the owner role in the organization."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organization=organization, role=Membership.Role.OWNER
    ).exists()


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    """Return the organization's members, owners first."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("-role", "user__email")  # "owner" sorts after "manager"; owners first
    )


def strategy_of(*, organization: Organization) -> StrategyProfile | None:
    """Return the organization's strategy profile, if stated."""
    return StrategyProfile.objects.filter(organization=organization).first()
