"""Reads about question banks."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from banks.models import Area, ConsistencyRule, Dimension, Question, QuestionBank, Translated
from banks.services import TARGET_FIELDS, bank_languages, field_name, language_name


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


@dataclass(frozen=True, slots=True)
class MissingTexts:
    """One bank row's texts that have no translation into a language."""

    label: str  # which row, as an admin reads it: "Question market.customers.feedback"
    fields: tuple[str, ...]  # the texts' names: "text", "action title"


@dataclass(frozen=True, slots=True)
class MissingTranslations:
    """What a bank version lacks in one language: counts, and which rows and fields."""

    language: str
    name: str
    missing: int  # texts without a translation
    total: int  # texts that need one (every non-empty text of the bank's own language)
    rows: tuple[MissingTexts, ...]


def _labelled_rows(bank_row: QuestionBank) -> list[tuple[str, Translated]]:
    rows: list[tuple[str, Translated]] = [(_("Bank title"), bank_row)]
    rows += [
        (_("Dimension %(code)s") % {"code": row.code}, row)
        for row in Dimension.objects.filter(bank=bank_row).order_by("position", "id")
    ]
    rows += [
        (_("Area %(code)s") % {"code": row.code}, row)
        for row in Area.objects.filter(dimension__bank=bank_row).order_by(
            "dimension__position", "position", "id"
        )
    ]
    rows += [
        (_("Question %(code)s") % {"code": row.code}, row)
        for row in Question.objects.filter(area__dimension__bank=bank_row)
    ]
    rows += [
        (_("Rule %(code)s") % {"code": row.code}, row)
        for row in ConsistencyRule.objects.filter(bank=bank_row).order_by("position", "id")
    ]
    return rows


def bank_missing_translations(*, bank_row: QuestionBank) -> list[MissingTranslations]:
    """Return, per language the site offers besides the bank's own, the texts not translated.

    Empty texts (a question without help, a question without a scale-back action) need no
    translation and are not counted.
    """
    rows = _labelled_rows(bank_row)
    result = []
    for code in bank_languages():
        if code == bank_row.language:
            continue
        total = 0
        missing: list[MissingTexts] = []
        for label, row in rows:
            given = (row.translations or {}).get(code) or {}
            needed = [column for column in row.translated_fields if getattr(row, column)]
            total += len(needed)
            absent = [column for column in needed if not given.get(column)]
            if absent:
                names = tuple(field_name(type(row), column) for column in absent)
                missing.append(MissingTexts(label=label, fields=names))
        result.append(
            MissingTranslations(
                language=code,
                name=language_name(code),
                missing=sum(len(m.fields) for m in missing),
                total=total,
                rows=tuple(missing),
            )
        )
    return result
