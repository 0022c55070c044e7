"""Database constraints hold even when application code is bypassed."""

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Answer
from banks.models import Question
from tests.assessments.factories import AssessmentFactory, ResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer_context(default_bank):
    assessment = AssessmentFactory(bank=default_bank)
    response = ResponseFactory(assessment=assessment)
    question = Question.objects.filter(area__dimension__bank=default_bank).first()
    return response, question


def test_one_answer_per_response_and_question(answer_context):
    response, question = answer_context
    Answer.objects.create(response=response, question=question, current=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=question, current=4)


@pytest.mark.parametrize("field", ["current", "target"])
@pytest.mark.parametrize("value", [0, 6])
def test_answer_values_stay_on_the_scale(answer_context, field, value):
    response, question = answer_context
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=question, **{field: value})


def test_dont_know_is_stored_as_null(answer_context):
    response, question = answer_context
    answer = Answer.objects.create(response=response, question=question, current=None)
    assert Answer.objects.get(pk=answer.pk).current is None


def test_cycle_labels_are_unique_within_an_organization(default_bank):
    assessment = AssessmentFactory(bank=default_bank, label="2026-Q4")
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentFactory(bank=default_bank, organization=assessment.organization, label="2026-Q4")
