"""Factories of organizations, their members and their strategy."""

import factory

from organizations.models import Membership, Organization, StrategyProfile, ValueDiscipline
from tests.accounts.factories import UserFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Business {n}")
    industry = Organization.Industry.FOOD
    size_band = Organization.SizeBand.MICRO
    capacity_days_per_month = 8


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.OWNER


class StrategyProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyProfile

    organization = factory.SubFactory(OrganizationFactory)
    target_customers = "Families from the neighbourhood who want good bread at a fair price."
    segment = "budget-conscious families"
    primary_value = StrategyProfile.PrimaryValue.PRICE
    value_discipline = ValueDiscipline.OPERATIONAL_EXCELLENCE
    goals = "Sell out every day with less waste."
