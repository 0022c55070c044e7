"""Database constraints hold even when application code is bypassed."""

import pytest
from django.db import IntegrityError, transaction

from banks.models import Question, QuestionBank
from banks.services import bank_draft_from

pytestmark = pytest.mark.django_db


def test_only_one_published_version_per_bank(default_bank):
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionBank.objects.create(
            slug=default_bank.slug, version=99, title="x", status=QuestionBank.Status.PUBLISHED
        )


def test_question_targets_stay_on_the_scale(default_bank):
    draft = bank_draft_from(bank_row=default_bank)  # only a draft can be edited
    question = Question.objects.filter(area__dimension__bank=draft).first()
    question.target_product_leadership = 9
    with pytest.raises(IntegrityError), transaction.atomic():
        question.save()
