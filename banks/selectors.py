"""Reads about question banks."""

from banks.models import Question, QuestionBank
from banks.services import TARGET_FIELDS


def bank_published(*, slug: str = "smb-alignment") -> QuestionBank | None:
    """Return the published version of a bank, if any."""
    return QuestionBank.objects.filter(slug=slug, status=QuestionBank.Status.PUBLISHED).first()


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
