"""Reads about organizations. Visibility is decided here, once."""

import itertools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

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


@dataclass(frozen=True, slots=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """One saved change of the organization's settings: when, by whom, what."""

    at: datetime
    user: User | None
    changes: list[FieldChange]


def _display(record: Any, field: str) -> str:
    value = getattr(record, field)
    choices = dict(getattr(Organization._meta.get_field(field), "choices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, Decimal):
        return number_format(value.normalize())
    return str(value)


def organization_settings_history(
    *, organization: Organization, limit: int = 20
) -> list[SettingsChange]:
    """Return the organization's settings changes, newest first, each with its old values."""
    labels = {
        "name": _("Name"),
        "industry": _("Industry"),
        "size_band": _("Size"),
        "capacity_days_per_month": _("Capacity (person-days a month)"),
        "review_interval_days": _("Reassess every … days"),
        "time_zone": _("Time zone"),
        "language": _("Language of reports and e-mails"),
    }
    # One record more than shown: the oldest shown change needs its predecessor to compare with.
    records = list(
        Organization.history.filter(id=organization.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries: list[SettingsChange] = []
    for newer, older in itertools.pairwise(records):
        changes = [
            FieldChange(label=str(label), old=_display(older, field), new=_display(newer, field))
            for field, label in labels.items()
            if getattr(older, field) != getattr(newer, field)
        ]
        if changes:
            entries.append(
                SettingsChange(at=newer.history_date, user=newer.history_user, changes=changes)
            )
    return entries
