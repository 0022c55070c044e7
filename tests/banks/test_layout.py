"""The questionnaire's bank layout: read once per process for published versions, never for drafts."""

import pytest

from banks.models import Question
from banks.services import bank_draft_from, bank_layout

pytestmark = pytest.mark.django_db


def test_a_published_layout_is_read_once_and_lists_the_questions_in_order(
    default_bank, django_assert_num_queries
):
    first = bank_layout(default_bank)
    with django_assert_num_queries(0):
        again = bank_layout(default_bank)
    assert again is first
    ordered = [q.pk for d in first.dimensions for a in d.areas.all() for q in a.questions.all()]
    assert ordered == list(first.questions)
    assert len(ordered) == Question.objects.filter(area__dimension__bank=default_bank).count()
    question = first.questions[ordered[0]]
    code = question.area.dimension.code
    assert question.pk in first.question_ids_by_dimension[code]
    assert sum(len(ids) for ids in first.question_ids_by_dimension.values()) == len(ordered)


def test_a_draft_is_read_afresh_so_edits_show_at_once(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    before = bank_layout(draft)
    question = next(iter(before.questions.values()))
    Question.objects.filter(pk=question.pk).update(text="Edited in the draft")
    after = bank_layout(draft)
    assert after is not before
    assert after.questions[question.pk].text == "Edited in the draft"
