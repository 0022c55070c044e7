"""Database constraints hold even when application code is bypassed."""

import pytest
from django.db import IntegrityError, transaction

from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_membership_is_unique_per_user_and_organization():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=membership.user, organization=membership.organization)
