"""Assessment cycles: start one, save answers, submit a response, close the cycle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
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
def assessment_start(*, organization: Organization, user: User, label: str) -> Assessment:
    """Open a cycle on the published bank with a snapshot of today's strategy."""
    # Locking the organization serialises concurrent starts: one open cycle at a time.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    strategy = strategy_of(organization=organization)
    if strategy is None:
        raise CycleError("State your strategy first: every cycle measures against it.")
    bank = bank_published()
    if bank is None:
        raise CycleError("No question bank is published yet. Ask an administrator to publish one.")
    current = assessment_current(organization=organization)
    if current is not None:
        raise CycleError(f"Close the open cycle “{current.label}” before starting a new one.")
    label = label.strip()
    if organization.assessments.filter(label=label).exists():
        raise CycleError(f"A cycle called “{label}” exists already. Choose another label.")
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
            )
    except IntegrityError as exc:
        raise CycleError(f"A cycle called “{label}” exists already.") from exc


def member_level(*, role: str) -> str:
    """Return the respondent level a member answers at."""
    return Level.OWNER if role == Membership.Role.OWNER else Level.MANAGER


def response_for_member(*, assessment: Assessment, user: User, role: str) -> Response:
    """Return the member's own response to the cycle, creating it on their first answer."""
    response, _created = Response.objects.get_or_create(
        assessment=assessment, user=user, defaults={"level": member_level(role=role)}
    )
    return response


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
    state = _response_state_shared(response)
    _ensure_editable(submitted=state.submitted, cycle_status=state.cycle_status)
    if question.area.dimension.bank_id != state.bank_id:
        raise AnswerRejectedError("This question is not part of this questionnaire.")
    for name, value in (("current", current), ("target", target)):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not SCALE_MIN <= value <= SCALE_MAX
        ):
            raise AnswerRejectedError(f"The {name} value must be a whole number from 1 to 5.")
    if target is not None and state.level != Level.OWNER:
        raise AnswerRejectedError("Only the owner states what the strategy needs.")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise AnswerRejectedError(f"Keep the comment under {COMMENT_MAX_LENGTH:,} characters.")
    answer = Answer(
        response=response, question=question, current=current, target=target, comment=comment
    )
    # One upsert statement: the busiest write of the site (every autosave) stays a single query.
    Answer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["response", "question"],
        update_fields=["current", "target", "comment", "updated_at"],
    )
    return answer


@transaction.atomic
def response_submit(*, response: Response) -> Response:
    """Hand in the response; from now on its answers count and can no longer change."""
    response = Response.objects.select_for_update().select_related("assessment").get(pk=response.pk)
    _ensure_editable(
        submitted=response.submitted_at is not None, cycle_status=response.assessment.status
    )
    response.submitted_at = timezone.now()
    response.save(update_fields=["submitted_at"])
    return response


@transaction.atomic
def assessment_close(*, assessment: Assessment) -> Assessment:
    """Close the cycle to new answers.

    Its report is requested by the caller: `reports.services.assessment_close_and_report` does
    both in one transaction, so this app never reaches up into reports.
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.OPEN:
        raise CycleError(f"The cycle “{assessment.label}” is closed already.")
    # Read under the cycle's lock: a submit racing this close either counts or is refused.
    if not assessment.responses.filter(submitted_at__isnull=False).exists():
        raise CycleError(NOTHING_SUBMITTED % {"label": assessment.label})
    assessment.status = Assessment.Status.CLOSED
    assessment.closed_at = timezone.now()
    assessment.save(update_fields=["status", "closed_at"])
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


def _response_state_shared(response: Response) -> _ResponseState:
    """Read what decides whether the response takes answers, under shared row locks.

    On PostgreSQL the response and its cycle are locked FOR SHARE in the same statement: many
    autosaves hold the locks side by side, while a submit (FOR UPDATE of the response) or a
    close (FOR UPDATE of the cycle) waits for them, and a save that comes after either reads
    the new state. SQLite serialises all writers anyway, so there a plain read is enough.
    """
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.submitted_at IS NOT NULL, r.level, a.status, a.bank_id"  # noqa: S608 - table names from the models
            f" FROM {Response._meta.db_table} r"
            f" JOIN {Assessment._meta.db_table} a ON a.id = r.assessment_id"
            f" WHERE r.id = %s{lock}",
            [response.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise ResponseLockedError("These answers no longer exist.")
    submitted, level, status, bank_id = row
    return _ResponseState(
        submitted=bool(submitted), level=level, cycle_status=status, bank_id=bank_id
    )


def _ensure_editable(*, submitted: bool, cycle_status: str) -> None:
    if submitted:
        raise ResponseLockedError("These answers were submitted and can no longer change.")
    if cycle_status != Assessment.Status.OPEN:
        raise ResponseLockedError("This cycle is closed: answers can no longer change.")
