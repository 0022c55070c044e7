"""Reads. Visibility is decided here, once: callers get only what the user may see."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from assessments.models import Assessment, Membership, Organization, QuestionBank


def organizations_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organization]:
    """Return organizations the user belongs to or that granted them active consultant access."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        Q(memberships__user=user)
        | Q(
            consultant_grants__consultant=user,
            consultant_grants__accepted_at__isnull=False,
            consultant_grants__revoked_at__isnull=True,
        )
    ).distinct()


def organization_get(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Organization:
    """Return one visible organization or raise Http404."""
    return get_object_or_404(organizations_for_user(user=user), pk=pk)


def membership_role(*, user: AbstractBaseUser, organization: Organization) -> str | None:
    """Return the user's role in the organization (owner/manager), or None for consultants."""
    return (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def assessments_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Assessment]:
    """Return assessments of the organizations the user may see."""
    return Assessment.objects.filter(organization__in=organizations_for_user(user=user))


def assessment_get(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Assessment:
    """Return one visible assessment or raise Http404."""
    return get_object_or_404(
        assessments_for_user(user=user).select_related("organization", "bank"), pk=pk
    )


def bank_published(*, slug: str = "smb-alignment") -> QuestionBank | None:
    """Return the published version of a bank, if any."""
    return QuestionBank.objects.filter(slug=slug, status=QuestionBank.Status.PUBLISHED).first()
