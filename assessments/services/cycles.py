"""Assessment cycles: start one, save answers, submit a response, close the cycle."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Answer, Assessment, Response
from assessments.selectors import assessment_current
from banks.models import SCALE_MAX, SCALE_MIN, Question
from banks.selectors import bank_published
from organizations.models import Level, Membership, Organization
from organizations.selectors import strategy_of

COMMENT_MAX_LENGTH = cast(int, Answer._meta.get_field("comment").max_length)  # the field sets one


NOTHING_SUBMITTED = gettext_lazy(
    "Nobody has submitted answers to “%(label)s” yet, so there is nothing to score. Submit your "
    "own answers, or wait until at least one person you invited has submitted theirs, then close "
    "the cycle."
)


class CycleError(Exception):
    """The cycle's state does not allow the action; the message is written for people."""


class AnswerRejectedError(CycleError):
    """An answer that is not saved; nothing changed."""


class ResponseLockedError(CycleError):
    """The response was submitted or the cycle closed: its answers can no longer change."""


@transaction.atomic
def assessment_start(
    *,
    organization: Organization,
    user: User,
    label: str,
    remind_after_days: int | None = None,
    closes_on: date | None = None,
) -> Assessment:
    """Open a cycle on the published bank with a snapshot of today's strategy."""
    # Locking the organization serialises concurrent starts: one open cycle at a time.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    strategy = strategy_of(organization=organization)
    if strategy is None:
        raise CycleError(_("State your strategy first: every cycle measures against it."))
    bank = bank_published()
    if bank is None:
        raise CycleError(
            _("No question bank is published yet. Ask an administrator to publish one.")
        )
    current = assessment_current(organization=organization)
    if current is not None:
        raise CycleError(
            _("Close the open cycle “%(label)s” before starting a new one.")
            % {"label": current.label}
        )
    label = label.strip()
    if organization.assessments.filter(label=label).exists():
        raise CycleError(
            _("A cycle called “%(label)s” exists already. Choose another label.") % {"label": label}
        )
    Organization.objects.filter(pk=organization.pk).update(reminded_at=None)  # reassessed
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                organization=organization,
                bank=bank,
                label=label,
                status=Assessment.Status.OPEN,
                strategy_snapshot=strategy.snapshot(),
                created_by=user,
                remind_after_days=remind_after_days,
                closes_on=closes_on,
            )
    except IntegrityError as exc:
        raise CycleError(
            _("A cycle called “%(label)s” exists already.") % {"label": label}
        ) from exc


def member_level(*, role: str) -> str:
    """Return the respondent level a member answers at."""
    return Level.OWNER if role == Membership.Role.OWNER else Level.MANAGER


def response_for_member(*, assessment: Assessment, user: User, role: str) -> Response:
    """Return the member's own response to the cycle, creating it on their first answer."""
    response, _created = Response.objects.get_or_create(
        assessment=assessment, user=user, defaults={"level": member_level(role=role)}
    )
    return response


@dataclass(frozen=True, slots=True)
class AnswerInput:
    """One answer of a batch, as the forms cleaned it."""

    question: Question
    current: int | None
    target: int | None = None
    comment: str = ""


@transaction.atomic
def answer_save(
    *,
    response: Response,
    question: Question,
    current: int | None,
    target: int | None = None,
    comment: str = "",
) -> Answer:
    """Create or update the response's one answer to the question; reject anything invalid."""
    state = _response_state(response, lock=_Lock.SHARE)
    _ensure_editable(submitted=state.submitted, cycle_status=state.cycle_status)
    answer = _answer_checked(
        state, response, AnswerInput(question, current, target=target, comment=comment)
    )
    # One upsert statement: the busiest write of the site (every autosave) stays a single query.
    _upsert([answer])
    return answer


@transaction.atomic
def answers_save(
    *, response: Response, answers: Sequence[AnswerInput], submit: bool = False
) -> Response:
    """Save a batch of answers into the response in one upsert, all or nothing; maybe submit.

    A question given twice keeps its last answer. The response row is locked for the whole
    batch, so two batches of one person apply one after the other, and a submit sees exactly
    the answers saved before it; the cycle is only share-locked, so batches and submits of
    different people into one cycle never wait on each other.
    """
    state = _response_state(response, lock=_Lock.UPDATE)
    _ensure_editable(submitted=state.submitted, cycle_status=state.cycle_status)
    latest = {item.question.pk: item for item in answers}
    rows = [_answer_checked(state, response, item) for item in latest.values()]
    if rows:
        _upsert(rows)
    if submit:
        _mark_submitted(response)
    return response


@transaction.atomic
def response_submit(*, response: Response) -> Response:
    """Hand in the response; from now on its answers count and can no longer change."""
    state = _response_state(response, lock=_Lock.UPDATE)
    _ensure_editable(submitted=state.submitted, cycle_status=state.cycle_status)
    _mark_submitted(response)
    return response


def _mark_submitted(response: Response) -> None:
    response.submitted_at = timezone.now()
    Response.objects.filter(pk=response.pk).update(submitted_at=response.submitted_at)


def _answer_checked(state: _ResponseState, response: Response, item: AnswerInput) -> Answer:
    """Return the answer row to store, or raise AnswerRejectedError naming what is wrong."""
    _answer_check(state, item)
    return Answer(
        response=response,
        question=item.question,
        current=item.current,
        target=item.target,
        comment=item.comment,
    )


def _answer_check(state: _ResponseState, item: AnswerInput) -> None:
    """Raise AnswerRejectedError naming what is wrong with the answer, if anything."""
    if item.question.area.dimension.bank_id != state.bank_id:
        raise AnswerRejectedError(_("This question is not part of this questionnaire."))
    for name, value in (("current", item.current), ("target", item.target)):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not SCALE_MIN <= value <= SCALE_MAX
        ):
            raise AnswerRejectedError(
                # Translators: name is the field's code, current or target.
                _("The %(name)s value must be a whole number from 1 to 5.") % {"name": name}
            )
    if item.target is not None and state.level != Level.OWNER:
        raise AnswerRejectedError(_("Only the owner states what the strategy needs."))
    if len(item.comment) > COMMENT_MAX_LENGTH:
        raise AnswerRejectedError(
            _("Keep the comment under %(limit)s characters.")
            % {"limit": number_format(COMMENT_MAX_LENGTH, force_grouping=True)}
        )


def _upsert(rows: list[Answer]) -> None:
    """Insert the answers or overwrite the stored ones, in one statement."""
    Answer.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["response", "question"],
        update_fields=["current", "target", "comment", "updated_at"],
    )


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One changed answer from the questionnaire, numbered by the page that made it."""

    question: Question
    current: int | None
    target: int | None
    comment: str
    seq: int


@transaction.atomic
def answer_batch_save(*, response: Response, changes: list[AnswerChange]) -> list[AnswerChange]:
    """Save a batch of changes in one upsert; per question the highest sequence number wins.

    A change numbered below what the answer already holds came from an older batch that
    arrived late: it is skipped, yet still reported back as handled, since something newer is
    stored. Returns the changes handled (one per question).
    """
    state = _response_state(response, lock=_Lock.UPDATE)
    _ensure_editable(submitted=state.submitted, cycle_status=state.cycle_status)
    latest: dict[int, AnswerChange] = {}
    for change in changes:
        # The same rules as every other save: one place says what an answer may hold. (The
        # batch writes its own rows: no Answer instance is built for it.)
        _answer_check(
            state,
            AnswerInput(
                change.question, change.current, target=change.target, comment=change.comment
            ),
        )
        held = latest.get(change.question.pk)
        if held is None or held.seq < change.seq:
            latest[change.question.pk] = change
    if not latest:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = Answer._meta.db_table
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(latest))
    params: list[int | str | None] = []
    for change in latest.values():
        params += [response.pk, change.question.pk, change.current, change.target]
        params += [change.comment, now, change.seq]
    # PostgreSQL and SQLite (3.24+) share this upsert; its WHERE keeps a newer answer in place.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table}"  # noqa: S608 - the table name comes from the model
            " (response_id, question_id, current, target, comment, updated_at, client_seq)"
            f" VALUES {rows}"
            " ON CONFLICT (response_id, question_id) DO UPDATE SET"
            " current = excluded.current, target = excluded.target,"
            " comment = excluded.comment, updated_at = excluded.updated_at,"
            " client_seq = excluded.client_seq"
            f" WHERE {table}.client_seq < excluded.client_seq",
            params,
        )
    return list(latest.values())


@transaction.atomic
def assessment_close(*, assessment: Assessment) -> Assessment:
    """Close the cycle to new answers.

    Its report is requested by the caller: `reports.services.assessment_close_and_report` does
    both in one transaction, so this app never reaches up into reports.
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.OPEN:
        raise CycleError(
            _("The cycle “%(label)s” is closed already.") % {"label": assessment.label}
        )
    # Read under the cycle's lock: a submit racing this close either counts or is refused.
    if not assessment.responses.filter(submitted_at__isnull=False).exists():
        raise CycleError(NOTHING_SUBMITTED % {"label": assessment.label})
    assessment.status = Assessment.Status.CLOSED
    assessment.closed_at = timezone.now()
    assessment.save(update_fields=["status", "closed_at"])
    return assessment


SCHEDULE_FIELDS = ("remind_after_days", "closes_on")


@transaction.atomic
def assessment_schedule_update(*, assessment: Assessment, **fields: Any) -> Assessment:
    """Change an open cycle's automatic reminder and closing date."""
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown cycle fields: {sorted(unknown)}")
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.OPEN:
        raise CycleError(_("This cycle is closed: its schedule can no longer change."))
    update = dict(fields)
    if "closes_on" in fields and fields["closes_on"] != assessment.closes_on:
        update["close_deferred_at"] = None  # a new date earns a new notice if it comes empty
    for name, value in update.items():
        setattr(assessment, name, value)
    assessment.full_clean(exclude=["organization", "bank", "label", "created_by"])
    assessment.save(update_fields=list(update))
    return assessment


@transaction.atomic
def assessment_reopen(*, assessment: Assessment) -> Assessment:
    """Open a closed cycle to answers again.

    Whether its report allows it (no index yet) is decided by the caller,
    `reports.services.assessment_reopen_unscored`, which also removes that report.
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status in (Assessment.Status.OPEN, Assessment.Status.DRAFT):
        raise CycleError(_("The cycle “%(label)s” is open already.") % {"label": assessment.label})
    # The same lock as assessment_start: one open cycle per organization at a time.
    Organization.objects.select_for_update().get(pk=assessment.organization_id)
    current = assessment_current(organization=assessment.organization)
    if current is not None:
        raise CycleError(
            _("Close the open cycle “%(label)s” before reopening this one.")
            % {"label": current.label}
        )
    assessment.status = Assessment.Status.OPEN
    assessment.closed_at = None
    assessment.save(update_fields=["status", "closed_at"])
    return assessment


@dataclass(frozen=True, slots=True)
class _ResponseState:
    submitted: bool
    level: str
    cycle_status: str
    bank_id: int


class _Lock(enum.Enum):
    SHARE = "share"
    UPDATE = "update"


# PostgreSQL's row locks per mode; the cycle row is only ever share-locked here, so the saves
# and submits of many people hold it side by side and only a close (FOR UPDATE) waits for them.
_PG_LOCKS = {
    _Lock.SHARE: " FOR SHARE OF r, a",
    # NO KEY UPDATE: the submit changes no key, so answers inserted by other transactions
    # (whose foreign key check takes KEY SHARE on the response) do not conflict with it.
    _Lock.UPDATE: " FOR NO KEY UPDATE OF r FOR SHARE OF a",
}


def _response_state(response: Response, *, lock: _Lock) -> _ResponseState:
    """Read what decides whether the response takes answers, under row locks.

    On PostgreSQL a save locks the response and its cycle FOR SHARE: many autosaves hold the
    locks side by side, while a batch or a submit (which lock their own response exclusively)
    or a close (FOR UPDATE of the cycle) waits for them, and a save that comes after either
    reads the new state. The cycle is never locked exclusively by a save or a submit: with
    twenty people submitting at once, a shared lock held by one and an exclusive one wanted by
    another made deadlocks. SQLite serialises all writers anyway, so there a plain read is
    enough.
    """
    clause = _PG_LOCKS[lock] if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.submitted_at IS NOT NULL, r.level, a.status, a.bank_id"  # noqa: S608 - table names from the models
            f" FROM {Response._meta.db_table} r"
            f" JOIN {Assessment._meta.db_table} a ON a.id = r.assessment_id"
            f" WHERE r.id = %s{clause}",
            [response.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise ResponseLockedError(_("These answers no longer exist."))
    submitted, level, status, bank_id = row
    return _ResponseState(
        submitted=bool(submitted), level=level, cycle_status=status, bank_id=bank_id
    )


def _ensure_editable(*, submitted: bool, cycle_status: str) -> None:
    if submitted:
        raise ResponseLockedError(_("These answers were submitted and can no longer change."))
    if cycle_status != Assessment.Status.OPEN:
        raise ResponseLockedError(_("This cycle is closed: answers can no longer change."))
