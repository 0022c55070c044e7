"""Reads about question banks."""

import math

from banks.models import Question, QuestionBank
from banks.services import TARGET_FIELDS


def bank_published(*, slug: str = "smb-alignment") -> QuestionBank | None:
    """Return the published version of a bank, if any."""
    return QuestionBank.objects.filter(slug=slug, status=QuestionBank.Status.PUBLISHED).first()


# Measured feel of the questionnaire: reading a short statement and picking a point on the
# scale takes about this long. Every time estimate on the site and in mails comes from here.
SECONDS_PER_QUESTION = 12
# Used when no bank is published yet (a fresh install): the default bank's 64 questions.
DEFAULT_QUESTION_COUNT = 64


def answer_minutes(*, question_count: int) -> int:
    """Return the time to answer so many questions, rounded up to whole five minutes."""
    seconds = max(1, question_count) * SECONDS_PER_QUESTION
    return 5 * math.ceil(seconds / 300)


def bank_answer_minutes(*, bank: QuestionBank | None) -> int:
    """Return how many minutes answering the bank takes (the published default when None)."""
    if bank is None:
        return answer_minutes(question_count=DEFAULT_QUESTION_COUNT)
    count = Question.objects.filter(area__dimension__bank=bank).count()
    return answer_minutes(question_count=count)


def bank_target(*, question: Question, discipline: str) -> int:
    """Return what the bank says the declared value discipline needs for this question."""
    field = TARGET_FIELDS.get(discipline, TARGET_FIELDS["operational_excellence"])
    return int(getattr(question, field))


def question_lineage(*, bank_row: QuestionBank) -> dict[str, str]:
    """Return {question code: code of the question it continues in the previous version}."""
    return dict(
        Question.objects.filter(area__dimension__bank=bank_row)
        .exclude(continues="")
        .values_list("code", "continues")
    )
