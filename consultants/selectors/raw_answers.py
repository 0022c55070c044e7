"""The raw answers of a client's cycles, one row per answer, with nobody's identity in them.

Consultants analyse answers in their own tools; owners may too. What keeps it anonymous:

- a respondent is a number, assigned in the order rows are written; respondents are ordered by
  a keyed permutation of the response id, so neither the number nor the order follows who
  answered first;
- managers and staff appear as their own levels only when both levels have at least three
  respondents; otherwise they are merged into "others", and a merged group under three people
  is left out entirely (DESIGN.md §8, the same rule as the report's perception matrix);
- comments of people other than the owner appear only when at least three of them answered (the
  report's rule for comments); names, e-mail addresses and ids are never read.

Only submitted responses count, as in the report. Four queries in all, however many answers:
the cycles, the submitted responses, the questions, and the answers, read in chunks. Who is in
the file, under which level and number, is decided in Python from the responses (a few
thousand rows at most); the answers query then only reads each respondent's answers in that
order, so the database never sorts the whole table.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, Value
from django.utils.translation import gettext_lazy as _

from assessments.models import Answer, Assessment, Response
from banks.models import Question
from banks.services import TARGET_FIELDS
from consultants.exports import csv_field, safe_text
from organizations.models import Level, Organization
from reports.selectors import report_can_manage
from reports.services import MIN_GROUP_SIZE

OTHERS = "others"
# Rows fetched per round trip: enough to keep the database busy, little enough to stream.
CHUNK_SIZE = 5000
# Characters per streamed chunk of text: one row per chunk would cost more than the row.
CHUNK_CHARS = 64 * 1024
# The permutation that orders respondents: multiplication by a key modulo a prime larger than
# any id, which maps distinct ids to distinct places.
_PRIME = 2_147_483_647
_JSON_EMPTY = '""'

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
    csv: str  # "code,text," as written in the CSV file
    json: str  # '"question": code, "question_text": text, ' as written in the API's JSON


@dataclass(frozen=True, slots=True)
class _Respondent:
    response_id: int
    cycle: str
    level: str
    number: int
    # The cycle's value discipline for the owner's kept targets; None for everybody else,
    # whose targets are never shown.
    discipline: str | None
    csv: str  # "cycle,level,number," as written in the CSV file
    json: str  # '{"cycle": label, "level": level, "respondent": number, ' in the API's JSON


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

    For a `spreadsheet` every text is already quoted where a spreadsheet would run it as a
    formula (the rows are "prepared" for the writers in consultants.exports): labels and
    questions once each, comments as they come.
    """
    quote = safe_text if spreadsheet else _as_is
    for who, question, current, target, comment in _answers(
        organization=organization, cycle_id=cycle_id, quote=quote
    ):
        yield (
            who.cycle,
            who.level,
            who.number,
            question.code,
            question.text,
            current,
            target,
            1 if current is None else 0,
            quote(comment) if comment else "",
        )


def raw_answer_csv(*, organization: Organization, cycle_id: int | None = None) -> Iterator[str]:
    """Yield the rows of `raw_answer_rows` as CSV text with a header row, in chunks of ~64 KB.

    The same text as the csv module writes (comma, minimal quoting, CRLF). The parts that repeat
    (cycle, level, respondent; question code and text) are written once each and reused, which
    makes a row a string join instead of nine fields through the csv writer.
    """
    lines = [",".join(csv_field(header) for header in raw_answer_headers()) + "\r\n"]
    size = 0
    for who, question, current, target, comment in _answers(
        organization=organization, cycle_id=cycle_id, quote=safe_text
    ):
        line = (
            f"{who.csv}{question.csv}{'' if current is None else current},"
            f"{'' if target is None else target},{1 if current is None else 0},"
            f"{csv_field(safe_text(comment)) if comment else ''}\r\n"
        )
        lines.append(line)
        size += len(line)
        if size >= CHUNK_CHARS:
            yield "".join(lines)
            lines, size = [], 0
    yield "".join(lines)


def raw_answer_json(*, organization: Organization, cycle_id: int | None = None) -> Iterator[str]:
    """Yield the rows of `raw_answer_rows` as a JSON array of objects, in chunks of ~64 KB.

    The keys are `raw_answer_keys()`, "don't know" a boolean; the text is what `json.dumps`
    writes for each object, objects separated by commas. Texts are not quoted for spreadsheets.
    """
    chunk, size, separator = ["["], 1, ""
    for who, question, current, target, comment in _answers(
        organization=organization, cycle_id=cycle_id, quote=_as_is
    ):
        line = (
            f"{separator}{who.json}{question.json}"
            f'"current": {"null" if current is None else current}, '
            f'"target": {"null" if target is None else target}, '
            f'"dont_know": {"true" if current is None else "false"}, '
            f'"comment": {json.dumps(comment) if comment else _JSON_EMPTY}}}'
        )
        separator = ","
        chunk.append(line)
        size += len(line)
        if size >= CHUNK_CHARS:
            yield "".join(chunk)
            chunk, size = [], 0
    chunk.append("]")
    yield "".join(chunk)


def _answers(
    *, organization: Organization, cycle_id: int | None, quote: Callable[[Any], Any]
) -> Iterator[tuple[_Respondent, _QuestionInfo, int | None, int | None, str]]:
    """Yield (respondent, question, current, target, comment) for every answer in the file.

    The target is the owner's (their override, or the bank's suggestion they kept) and None for
    everybody else.
    """
    cycles = Assessment.objects.filter(organization=organization)
    if cycle_id is not None:
        cycles = cycles.filter(pk=cycle_id)
    cycle_rows = list(
        cycles.order_by("created_at", "pk").values_list(
            "pk", "label", "bank_id", "strategy_snapshot"
        )
    )
    if not cycle_rows:
        return
    respondents = _respondents(cycle_rows, quote=quote)
    if not respondents:
        return
    questions = _questions({bank for _pk, _label, bank, _snapshot in cycle_rows}, quote=quote)
    cycle_ids = [pk for pk, _label, _bank, _snapshot in cycle_rows]
    for who, question_id, current, target, comment in _answer_values(
        respondents, cycle_ids=cycle_ids
    ):
        question = questions[question_id]
        if who.discipline is not None:
            if target is None:
                # No override stored: the owner kept the bank's suggestion.
                target = question.targets.get(who.discipline, question.targets[""])
        else:
            target = None
        # Non-owner rows exist only for groups of three or more: the comment rule holds.
        yield who, question, current, target, comment


def _respondents(
    cycle_rows: list[tuple[Any, ...]], *, quote: Callable[[Any], Any]
) -> list[_Respondent]:
    """Return who is in the file, in the order of the file: cycle by cycle, permuted within."""
    responses: dict[int, list[tuple[int, str]]] = {pk: [] for pk, *_rest in cycle_rows}
    for pk, cycle, level in Response.objects.filter(
        assessment_id__in=list(responses), submitted_at__isnull=False
    ).values_list("pk", "assessment_id", "level"):
        responses[cycle].append((pk, level))
    key = _permutation_key()
    respondents: list[_Respondent] = []
    for pk, label, _bank, snapshot in cycle_rows:
        shown = _shown_levels(Counter(level for _id, level in responses[pk]))
        label = quote(label)
        discipline = (snapshot or {}).get("value_discipline", "")
        for response_id, level in sorted(
            responses[pk], key=lambda item: ((item[0] * key) % _PRIME, item[0])
        ):
            owner = level == Level.OWNER
            shown_level = Level.OWNER.value if owner else shown.get(level)
            if shown_level is None:
                continue  # a group under three people: left out
            number = len(respondents) + 1
            respondents.append(
                _Respondent(
                    response_id=response_id,
                    cycle=label,
                    level=shown_level,
                    number=number,
                    discipline=discipline if owner else None,
                    csv=f"{csv_field(label)},{csv_field(shown_level)},{number},",
                    json=(
                        f'{{"cycle": {json.dumps(label)}, "level": {json.dumps(shown_level)}, '
                        f'"respondent": {number}, '
                    ),
                )
            )
    return respondents


def _shown_levels(count: Counter[str]) -> dict[str, str]:
    """Return how each non-owner level of a cycle is shown: {level: shown level}.

    An empty mapping means the cycle's managers and staff are left out (fewer than three).
    """
    managers, staff = count[Level.MANAGER], count[Level.STAFF]
    if managers >= MIN_GROUP_SIZE and staff >= MIN_GROUP_SIZE:
        return {Level.MANAGER: Level.MANAGER.value, Level.STAFF: Level.STAFF.value}
    if managers + staff >= MIN_GROUP_SIZE:
        return {Level.MANAGER: OTHERS, Level.STAFF: OTHERS}
    return {}


def _answer_values(
    respondents: list[_Respondent], *, cycle_ids: list[int]
) -> Iterator[tuple[_Respondent, int, int | None, int | None, str]]:
    """Yield (respondent, question id, current, target, comment), respondent by respondent.

    In a transaction, PostgreSQL's server-side cursor streams rows as they are read; outside
    one it is declared WITH HOLD and the whole result is copied before the first row.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            yield from _answer_values_postgresql(respondents)
        else:
            yield from _answer_values_portable(respondents, cycle_ids=cycle_ids)


def _answer_values_postgresql(
    respondents: list[_Respondent],
) -> Iterator[tuple[_Respondent, int, int | None, int | None, str]]:
    # The respondents' ids go in as one array, in the file's order. A LATERAL subquery with
    # its own ORDER BY is never merged into the join, so PostgreSQL reads it once per array
    # element (a nested loop over the (response, question) index) and the rows come out in
    # the array's order without sorting 100,000 rows; an ORDER BY over the whole result
    # would make the planner sort everything again. (A cursor never gets a parallel plan.)
    sql = f"""
        SELECT o.n, a.question_id, a.current, a.target, a.comment
        FROM unnest(%s::bigint[]) WITH ORDINALITY AS o (response_id, n)
        CROSS JOIN LATERAL (
            SELECT question_id, current, target, comment
            FROM {Answer._meta.db_table}
            WHERE response_id = o.response_id
            ORDER BY question_id
        ) AS a
    """  # noqa: S608 - the only interpolation is the model's own table name
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [[who.response_id for who in respondents]])
        while rows := cursor.fetchmany(CHUNK_SIZE):
            for n, question_id, current, target, comment in rows:
                yield respondents[n - 1], question_id, current, target, comment


def _answer_values_portable(
    respondents: list[_Respondent], *, cycle_ids: list[int]
) -> Iterator[tuple[_Respondent, int, int | None, int | None, str]]:
    # Other databases (SQLite in development) sort in the query: the same order as
    # `_respondents` (cycle's creation, then the permutation, then the id), then the question.
    by_id = {who.response_id: who for who in respondents}
    key, big = Value(_permutation_key(), output_field=BigIntegerField()), BigIntegerField()
    answers = (
        Answer.objects.filter(
            response__assessment_id__in=cycle_ids, response__submitted_at__isnull=False
        )
        # `%` rather than Mod(): exact integer arithmetic everywhere (SQLite's MOD is fmod()).
        .annotate(place=ExpressionWrapper(F("response_id") * key % _PRIME, output_field=big))
        .order_by(
            "response__assessment__created_at",
            "response__assessment_id",
            "place",
            "response_id",
            "question_id",
        )
        .values_list("response_id", "question_id", "current", "target", "comment")
    )
    for response_id, question_id, current, target, comment in answers.iterator(
        chunk_size=CHUNK_SIZE
    ):
        who = by_id.get(response_id)
        if who is not None:  # None: a group under three people, left out
            yield who, question_id, current, target, comment


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
        code, text = quote(code), quote(text)
        questions[pk] = _QuestionInfo(
            code=code,
            text=text,
            targets=by_discipline,
            csv=f"{csv_field(code)},{csv_field(text)},",
            json=f'"question": {json.dumps(code)}, "question_text": {json.dumps(text)}, ',
        )
    return questions


def _permutation_key() -> int:
    """Return the key of the permutation that orders respondents, secret with the site."""
    digest = hashlib.sha256(f"raw-answers:{settings.SECRET_KEY}".encode()).digest()
    return 1 + int.from_bytes(digest[:8], "big") % (_PRIME - 1)
