"""factory_boy factories for the domain model."""

import factory
from django.contrib.auth import get_user_model

from assessments.models import Assessment, Response
from organizations.models import Level, Membership, Organization, StrategyProfile, ValueDiscipline


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.SelfAttribute("email")
    password = factory.django.Password("correct horse battery staple")


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


class AssessmentFactory(factory.django.DjangoModelFactory):
    """Needs `bank=` (use the default_bank fixture)."""

    class Meta:
        model = Assessment

    organization = factory.SubFactory(OrganizationFactory)
    label = factory.Sequence(lambda n: f"2026-Q{n % 4 + 1}-{n}")
    status = Assessment.Status.OPEN
    strategy_snapshot = factory.LazyAttribute(
        lambda _: {
            "target_customers": "Local families",
            "segment": "budget-conscious families",
            "primary_value": "price",
            "value_discipline": "operational_excellence",
            "goals": "",
        }
    )


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    assessment = factory.SubFactory(AssessmentFactory)
    level = Level.STAFF
