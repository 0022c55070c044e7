"""The raw answers of a client's cycles, one row per answer, with nobody's identity in them.

Consultants analyse answers in their own tools; owners may too. What keeps it anonymous:

- a respondent is a number, assigned in the order rows are written; rows are ordered by a keyed
  permutation of the response id, so neither the number nor the order follows who answered
  first;
- managers and staff appear as their own levels only when both levels have at least three
  respondents; otherwise they are merged into "others", and a merged group under three people
  is left out entirely (DESIGN.md §8, the same rule as the report's perception matrix);
- comments of people other than the owner appear only when at least three of them answered (the
  report's rule for comments); names, e-mail addresses and ids are never read.

Only submitted responses count, as in the report. The rows are produced lazily with a fixed
number of queries, however many answers there are.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Q, Value
from django.db.models.functions import Cast, Mod
from django.utils.translation import gettext_lazy as _

from assessments.models import Answer, Assessment, Response
from banks.models import Question
from banks.services import TARGET_FIELDS
from consultants.exports import safe_text
from organizations.models import Level, Organization
from reports.selectors import report_can_manage
from reports.services import MIN_GROUP_SIZE

OTHERS = "others"
# Rows fetched per round trip: enough to keep the database busy, little enough to stream.
CHUNK_SIZE = 5000
# Sort memory for the export's one large query (PostgreSQL's default, 4 MB, spills to disk).
SORT_MEMORY = "64MB"
# The permutation that orders respondents: multiplication by a key modulo a prime larger than
# any id, which maps distinct ids to distinct places.
_PRIME = 2_147_483_647

# (key in the API, header in the files)
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("cycle", _("Cycle")),
    ("level", _("Level")),
    ("respondent", _("Respondent")),
    ("question", _("Question code")),
    ("question_text", _("Question")),
    ("current", _("Current practice (1-5)")),
    ("target", _("What the strategy needs (1-5, owner only)")),
    ("dont_know", _("Don't know (1 = yes)")),
    ("comment", _("Comment")),
)


@dataclass(frozen=True, slots=True)
class _QuestionInfo:
    code: str
    text: str
    targets: dict[str, int]


def raw_answers_can_export(*, user: User, organization: Organization) -> bool:
    """Return whether the user may download the raw answers: owners and consultants."""
    return report_can_manage(user=user, organization=organization)


def raw_answer_headers() -> list[str]:
    """Return the column headers of the files, in the current language."""
    return [str(header) for _key, header in COLUMNS]


def raw_answer_keys() -> list[str]:
    """Return the column names of the API's rows."""
    return [key for key, _header in COLUMNS]


def raw_answer_rows(
    *, organization: Organization, cycle_id: int | None = None, spreadsheet: bool = False
) -> Iterator[tuple[Any, ...]]:
    """Yield one row per submitted answer of the organization's cycles (or of one cycle).

    Four queries in all: the cycles, the group sizes, the questions, and the answers (read
    in chunks). For a `spreadsheet` every text is already quoted where a spreadsheet would run
    it as a formula (the rows are "prepared" for the writers in consultants.exports): labels
    and questions once each, comments as they come.
    """
    quote = safe_text if spreadsheet else _as_is
    cycles = Assessment.objects.filter(organization=organization)
    if cycle_id is not None:
        cycles = cycles.filter(pk=cycle_id)
    cycle_rows = list(cycles.values_list("pk", "label", "bank_id", "strategy_snapshot"))
    if not cycle_rows:
        return
    labels = {pk: quote(label) for pk, label, _bank, _snapshot in cycle_rows}
    disciplines = {
        pk: (snapshot or {}).get("value_discipline", "") for pk, _l, _b, snapshot in cycle_rows
    }
    groups = _groups(list(labels))
    questions = _questions({bank for _pk, _label, bank, _snapshot in cycle_rows}, quote=quote)
    hidden = [pk for pk, by_level in groups.items() if not by_level]
    answers = (
        Answer.objects.filter(
            response__assessment_id__in=list(labels), response__submitted_at__isnull=False
        )
        .exclude(Q(response__assessment_id__in=hidden) & ~Q(response__level=Level.OWNER))
        .annotate(place=_respondent_place())
        .order_by("response__assessment__created_at", "response__assessment_id", "place", "pk")
        .values_list(
            "response__assessment_id",
            "response_id",
            "response__level",
            "question_id",
            "current",
            "target",
            "comment",
        )
    )
    numbers: dict[int, int] = {}
    # In a transaction, PostgreSQL's server-side cursor streams the rows as they are read;
    # outside one it is declared WITH HOLD and the whole result is copied before the first
    # row. The extra sort memory keeps the ordering of 100,000 answers off the disk.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
        for cycle, response_id, level, question_id, current, target, comment in answers.iterator(
            chunk_size=CHUNK_SIZE
        ):
            question = questions[question_id]
            number = numbers.setdefault(response_id, len(numbers) + 1)
            if level == Level.OWNER:
                if target is None:
                    # No override stored: the owner kept the bank's suggestion.
                    target = question.targets.get(disciplines[cycle], question.targets[""])
                shown_level: str = Level.OWNER.value
            else:
                target = None
                shown_level = groups[cycle].get(level, OTHERS)
            yield (
                labels[cycle],
                shown_level,
                number,
                question.code,
                question.text,
                current,
                target,
                1 if current is None else 0,
                # Non-owner rows exist only for groups of three or more: the comment rule holds.
                quote(comment) if comment else "",
            )


def _groups(cycle_ids: list[int]) -> dict[int, dict[str, str]]:
    """Return, per cycle, how each non-owner level is shown: {level: shown level}.

    An empty mapping means the cycle's managers and staff are left out (fewer than three).
    """
    counts: dict[int, Counter[str]] = {pk: Counter() for pk in cycle_ids}
    for cycle, level in Response.objects.filter(
        assessment_id__in=cycle_ids, submitted_at__isnull=False
    ).values_list("assessment_id", "level"):
        counts[cycle][level] += 1
    shown: dict[int, dict[str, str]] = {}
    for cycle, count in counts.items():
        managers, staff = count[Level.MANAGER], count[Level.STAFF]
        if managers >= MIN_GROUP_SIZE and staff >= MIN_GROUP_SIZE:
            shown[cycle] = {Level.MANAGER: Level.MANAGER, Level.STAFF: Level.STAFF}
        elif managers + staff >= MIN_GROUP_SIZE:
            shown[cycle] = {Level.MANAGER: OTHERS, Level.STAFF: OTHERS}
        else:
            shown[cycle] = {}
    return shown


def _as_is(value: Any) -> Any:
    return value


def _questions(bank_ids: set[int], *, quote: Callable[[Any], Any]) -> dict[int, _QuestionInfo]:
    fields = list(TARGET_FIELDS.items())
    rows = Question.objects.filter(area__dimension__bank_id__in=bank_ids).values_list(
        "pk", "code", "text", *[field for _discipline, field in fields]
    )
    questions = {}
    for pk, code, text, *targets in rows:
        by_discipline = {
            discipline: value for (discipline, _f), value in zip(fields, targets, strict=True)
        }
        # A cycle without a declared discipline is scored on the default one.
        by_discipline[""] = by_discipline["operational_excellence"]
        questions[pk] = _QuestionInfo(code=quote(code), text=quote(text), targets=by_discipline)
    return questions


def _respondent_place() -> Any:
    """Return an expression that orders responses by a keyed permutation of their ids."""
    digest = hashlib.sha256(f"raw-answers:{settings.SECRET_KEY}".encode()).digest()
    key = 1 + int.from_bytes(digest[:8], "big") % (_PRIME - 1)
    return Mod(
        Cast(F("response_id"), BigIntegerField()) * Value(key, output_field=BigIntegerField()),
        Value(_PRIME, output_field=BigIntegerField()),
    )
