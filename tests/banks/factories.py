"""Factories of question banks and their content.

Only a draft bank takes new rows, so the content factories build into a draft by default; see
`tests.scenarios.small_bank` for a published bank with content.
"""

import factory

from banks.models import Area, ConsistencyRule, Dimension, Question, QuestionBank


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank

    slug = factory.Sequence(lambda n: f"bank-{n}")
    version = 1
    title = factory.LazyAttribute(lambda bank: f"Bank {bank.slug}")
    status = QuestionBank.Status.DRAFT


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension

    bank = factory.SubFactory(QuestionBankFactory)
    code = factory.Sequence(lambda n: f"dimension{n}")
    title = factory.LazyAttribute(lambda dimension: dimension.code.title())
    position = 0


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    dimension = factory.SubFactory(DimensionFactory)
    code = factory.LazyAttributeSequence(lambda area, n: f"{area.dimension.code}.a{n}")
    title = "Area"
    position = 0


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    area = factory.SubFactory(AreaFactory)
    code = factory.LazyAttributeSequence(lambda question, n: f"{question.area.code}.q{n}")
    text = factory.LazyAttribute(lambda question: f"Statement {question.code}")
    position = 0
    target_operational_excellence = 4
    target_product_leadership = 3
    target_customer_intimacy = 5
    action_title = "Do it"
    action_specific = "Do it well"
    action_kpi = "Things done"
    action_unit = "things"
    action_owner_role = "Owner"
    action_effort = 2
    action_effort_days = 2
    action_duration_weeks = 2


class ConsistencyRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsistencyRule

    bank = factory.SubFactory(QuestionBankFactory)
    code = factory.Sequence(lambda n: f"rule{n}")
    severity = ConsistencyRule.Severity.MEDIUM
    message = "Answers disagree."
    condition = factory.LazyFunction(lambda: {"all": []})
    position = 0
