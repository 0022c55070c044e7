"""Organizations and their members."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from assessments.models import Membership, Organization


@transaction.atomic
def organization_create(*, owner: AbstractBaseUser, **fields: Any) -> Organization:
    """Create an organization with the given user as its owner."""
    organization = Organization.objects.create(**fields)
    Membership.objects.create(user=owner, organization=organization, role=Membership.Role.OWNER)
    return organization
