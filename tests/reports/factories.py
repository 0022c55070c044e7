"""Factories of reports and the action items of their plans."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from assessments.models import Assessment
from reports.models import ActionItem, KpiReading, Report
from tests.assessments.factories import AssessmentFactory


class ReportFactory(factory.django.DjangoModelFactory):
    """A ready report with summary columns only (no engine result, no PDF)."""

    class Meta:
        model = Report

    assessment = factory.SubFactory(AssessmentFactory, status=Assessment.Status.SCORED)
    status = Report.Status.READY
    alignment_index = 72.0
    band = "aligned"
    dimension_scores = factory.LazyFunction(dict)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    assessment = factory.SubFactory(AssessmentFactory, status=Assessment.Status.SCORED)
    position = factory.Sequence(int)
    question_code = factory.LazyAttribute(lambda item: f"q{item.position}")
    title = factory.LazyAttribute(lambda item: f"Action {item.position}")
    specific = "Do the thing."
    kpi = "things"
    unit = "count"
    baseline = 2.0
    target = 4.0
    effort = 2
    effort_days = 3.0
    feasibility = 0.8
    owner_role = "Owner"
    dimension_code = "operational"
    area_code = "operational.a"
    expected_uplift = 1.5
    due = factory.LazyFunction(lambda: timezone.localdate() + timedelta(weeks=4))
    start = factory.LazyAttribute(lambda item: item.due - timedelta(weeks=4))
    status = ActionItem.Status.TODO


class KpiReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiReading

    action_item = factory.SubFactory(ActionItemFactory)
    measured_on = factory.LazyFunction(timezone.localdate)
    value = Decimal("3")
