"""Bank versions: copy to a draft, edit it, publish it (validated), and the question lineage."""

import pytest

from banks.models import Question, QuestionBank
from banks.selectors import question_lineage
from banks.services import (
    BankDraftExistsError,
    BankInvalidError,
    BankNotDraftError,
    bank_as_dict,
    bank_draft_from,
    bank_publish,
)

pytestmark = pytest.mark.django_db


def _strip_lineage(data: dict) -> dict:
    for dimension in data["dimensions"]:
        for area in dimension["areas"]:
            for question in area["questions"]:
                question.pop("continues", None)
    return {**data, "version": None}


def test_draft_copies_the_version_whole(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    assert draft.status == QuestionBank.Status.DRAFT
    assert draft.version == default_bank.version + 1
    assert draft.copied_from == default_bank
    assert _strip_lineage(bank_as_dict(draft)) == _strip_lineage(bank_as_dict(default_bank))
    assert bank_as_dict(draft)["rules"]
    assert draft.pitfall_areas == default_bank.pitfall_areas


def test_draft_questions_continue_the_source_questions(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    lineage = question_lineage(bank_row=draft)
    codes = set(
        Question.objects.filter(area__dimension__bank=default_bank).values_list("code", flat=True)
    )
    assert set(lineage) == codes
    assert all(code == predecessor for code, predecessor in lineage.items())


def test_renamed_question_names_its_predecessor(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    question = Question.objects.filter(area__dimension__bank=draft).first()
    old_code = question.code
    question.code = f"{old_code}_v2"
    question.save()
    assert question_lineage(bank_row=draft)[f"{old_code}_v2"] == old_code
    assert question_lineage(bank_row=default_bank) == {}


def test_a_second_draft_is_refused(default_bank):
    bank_draft_from(bank_row=default_bank)
    with pytest.raises(BankDraftExistsError):
        bank_draft_from(bank_row=default_bank)
    assert QuestionBank.objects.filter(slug=default_bank.slug).count() == 2


def test_publishing_a_draft_retires_the_previous_version(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    question = Question.objects.filter(area__dimension__bank=draft).first()
    question.text = "We ask customers what they think every week."
    question.target_customer_intimacy = 2
    question.save()
    published = bank_publish(bank_row=draft)
    assert published.status == QuestionBank.Status.PUBLISHED
    assert published.published_at is not None
    default_bank.refresh_from_db()
    assert default_bank.status == QuestionBank.Status.RETIRED
    edited = Question.objects.get(pk=question.pk)
    assert edited.text == "We ask customers what they think every week."
    original = Question.objects.get(area__dimension__bank=default_bank, code=question.code)
    assert original.text != edited.text


def test_an_invalid_draft_is_refused_with_its_problems(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    question = Question.objects.filter(area__dimension__bank=draft).first()
    rule = draft.rules.first()
    rule.condition = {"question": "no.such.question", "current_at_least": 4}
    rule.save()
    Question.objects.filter(pk=question.pk).update(action_title="")
    with pytest.raises(BankInvalidError) as caught:
        bank_publish(bank_row=draft)
    messages = " ".join(str(p) for p in caught.value.problems)
    assert len(caught.value.problems) >= 2
    assert "no.such.question" in messages
    draft.refresh_from_db()
    default_bank.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT
    assert default_bank.status == QuestionBank.Status.PUBLISHED


def test_only_a_draft_can_be_published(default_bank):
    with pytest.raises(BankNotDraftError):
        bank_publish(bank_row=default_bank)
