"""Factories of consultant access grants."""

import factory
from django.utils import timezone

from consultants.models import ConsultantAccess
from tests.accounts.factories import UserFactory
from tests.organizations.factories import OrganizationFactory


class ConsultantAccessFactory(factory.django.DjangoModelFactory):
    """A grant the consultant has accepted; `pending=True` or `revoked=True` for the others."""

    class Meta:
        model = ConsultantAccess

    class Params:
        pending = factory.Trait(accepted_at=None)
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))

    organization = factory.SubFactory(OrganizationFactory)
    consultant = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda grant: grant.consultant.email)
    accepted_at = factory.LazyFunction(timezone.now)
