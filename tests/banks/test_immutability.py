"""Published and retired bank versions never change, whatever path the write takes."""

import pytest

from banks.models import Area, BankLockedError, ConsistencyRule, Dimension, Question, QuestionBank
from banks.services import bank_draft_from, bank_publish

pytestmark = pytest.mark.django_db

CONTENT = {
    "dimension": (Dimension, "bank"),
    "area": (Area, "dimension__bank"),
    "question": (Question, "area__dimension__bank"),
    "rule": (ConsistencyRule, "bank"),
}


@pytest.fixture
def retired_bank(default_bank):
    bank_publish(bank_row=bank_draft_from(bank_row=default_bank))
    default_bank.refresh_from_db()
    assert default_bank.status == QuestionBank.Status.RETIRED
    return default_bank


@pytest.fixture(params=["published", "retired"])
def locked_bank(request, default_bank):
    if request.param == "published":
        return default_bank
    return request.getfixturevalue("retired_bank")


def test_saving_a_locked_bank_raises(locked_bank):
    locked_bank.title = "Changed"
    with pytest.raises(BankLockedError):
        locked_bank.save()
    with pytest.raises(BankLockedError):
        locked_bank.save(update_fields=["title"])


def test_reopening_a_locked_bank_as_a_draft_raises(locked_bank):
    locked_bank.status = QuestionBank.Status.DRAFT
    with pytest.raises(BankLockedError):
        locked_bank.save(update_fields=["status"])


def test_deleting_a_locked_bank_raises(locked_bank):
    with pytest.raises(BankLockedError):
        locked_bank.delete()
    with pytest.raises(BankLockedError):
        QuestionBank.objects.filter(pk=locked_bank.pk).delete()
    assert QuestionBank.objects.filter(pk=locked_bank.pk).exists()


def test_bulk_update_of_a_locked_bank_raises(locked_bank):
    with pytest.raises(BankLockedError):
        QuestionBank.objects.filter(pk=locked_bank.pk).update(title="Changed")


@pytest.mark.parametrize("kind", sorted(CONTENT))
def test_rows_of_a_locked_bank_cannot_be_saved_or_deleted(locked_bank, kind):
    model, path = CONTENT[kind]
    rows = model.objects.filter(**{path: locked_bank})
    row = rows.first()
    with pytest.raises(BankLockedError):
        row.save()
    with pytest.raises(BankLockedError):
        row.delete()
    with pytest.raises(BankLockedError):
        rows.update(position=9)
    with pytest.raises(BankLockedError):
        rows.delete()
    assert rows.count() > 0


def test_no_new_question_can_join_a_locked_bank(locked_bank):
    question = Question.objects.filter(area__dimension__bank=locked_bank).first()
    question.pk = None
    question.code = "new.question"
    with pytest.raises(BankLockedError):
        question.save()
    with pytest.raises(BankLockedError):
        Question.objects.bulk_create([question])


def test_a_draft_row_cannot_move_into_a_locked_bank(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    question = Question.objects.filter(area__dimension__bank=draft).first()
    question.area = Area.objects.filter(dimension__bank=default_bank).first()
    question.code = "moved"
    with pytest.raises(BankLockedError):
        question.save()


def test_a_draft_can_be_edited_and_deleted(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    question = Question.objects.filter(area__dimension__bank=draft).first()
    question.text = "Edited"
    question.save()
    Question.objects.filter(area__dimension__bank=draft).update(weight=2)
    draft.title = "Next"
    draft.save()
    draft.delete()
    assert not QuestionBank.objects.filter(pk=draft.pk).exists()
    assert Question.objects.filter(area__dimension__bank=default_bank).exists()
