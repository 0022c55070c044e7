"""The API's writes: each one runs the pages' own form rules and services, nothing of its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.forms import AnswerForm
from assessments.models import Assessment
from assessments.selectors import DONT_KNOW
from assessments.services import cycles
from banks.services import bank_layout
from organizations.models import Level
from organizations.selectors import is_owner, membership_role
from reports import kpi_services
from reports import services as reports
from reports.forms import ActionItemForm, KpiReadingForm
from reports.kpi import kpi_reading_can_record, kpi_statuses
from reports.kpi_files import RawRow
from reports.models import ActionItem, KpiReading, Report
from reports.selectors import action_item_can_edit, action_note_can_edit

NOT_A_MEMBER = _("Only members of the organization answer its questionnaire.")
KPI_RECORD_FORBIDDEN = _(
    "Only an owner, a consultant with access or the member the action is assigned to records "
    "its KPI."
)


class InvalidInputError(Exception):
    """Input the forms rejected; `errors` has the messages, shaped like DRF's own."""

    def __init__(self, errors: Any) -> None:
        super().__init__("invalid input")
        self.errors = errors


class ConflictError(Exception):
    """The object's state does not allow the change (a closed cycle, a submitted response)."""


@dataclass(frozen=True, slots=True)
class AnswerSetOutcome:
    response: int
    level: str
    saved: int
    answered: int
    total: int
    submitted_at: datetime | None


def _form_errors(form: Any) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if name == "__all__" else name): [str(e) for e in errors]
        for name, errors in form.errors.items()
    }


def _text(value: Any) -> Any:
    """Return what a form field receives for a JSON value: null is an empty field."""
    return "" if value is None else value


def answer_set_save(
    *,
    assessment: Assessment,
    user: User,
    answers: Sequence[Mapping[str, Any]],
    submit: bool,
) -> AnswerSetOutcome:
    """Save a whole answer set into the user's own response, all or nothing; maybe submit it.

    Every answer is judged by the wizard's AnswerForm and saved by the wizard's service, so the
    rules and the messages are the same as on the page.
    """
    role = membership_role(user=user, organization=assessment.organization)
    if role is None:
        raise PermissionDenied(NOT_A_MEMBER)
    with_target = cycles.member_level(role=role) == Level.OWNER
    questions = bank_layout(assessment.bank).questions
    ids = {question.code: pk for pk, question in questions.items()}
    forms: list[AnswerForm] = []
    # Keyed by position, as DRF reports errors of nested lists, so both kinds read alike.
    errors: dict[str, dict[str, list[str]]] = {}
    seen: dict[str, int] = {}
    for position, answer in enumerate(answers):
        code = answer["question"]
        current = answer.get("current", "")
        data = {
            # An unknown code goes in empty, so the form names the problem in its own words.
            "question": ids.get(code, ""),
            "current": DONT_KNOW if current is None else current,
            "target": _text(answer.get("target")),
            "comment": _text(answer.get("comment")),
        }
        form = AnswerForm(data, assessment=assessment, with_target=with_target)
        problems = {} if form.is_valid() else _form_errors(form)
        if code in seen:
            problems.setdefault("question", []).append(
                gettext("This question is answered twice in the set (first at position %(first)s).")
                % {"first": seen[code]}
            )
        seen.setdefault(code, position)
        forms.append(form)
        if problems:
            errors[str(position)] = problems
    if errors:
        raise InvalidInputError({"answers": errors})
    try:
        with transaction.atomic():
            response = cycles.response_for_member(assessment=assessment, user=user, role=role)
            # One locked read, one upsert of the whole set and maybe one update: the set costs
            # what a single autosave costs, however many answers it holds.
            response = cycles.answers_save(
                response=response,
                answers=[
                    cycles.AnswerInput(
                        question=form.cleaned_data["question"],
                        current=form.cleaned_data["current"],
                        target=form.cleaned_data["target"],
                        comment=form.cleaned_data["comment"],
                    )
                    for form in forms
                ],
                submit=submit,
            )
    except cycles.ResponseLockedError as exc:
        raise ConflictError(str(exc)) from exc
    except cycles.CycleError as exc:
        raise InvalidInputError({"non_field_errors": [str(exc)]}) from exc
    return AnswerSetOutcome(
        response=response.pk,
        level=response.level,
        saved=len(forms),
        answered=response.answers.count(),
        total=len(questions),
        submitted_at=response.submitted_at,
    )


CONSULTANT_NOTE_FORBIDDEN = _("Only a consultant with access to the organization writes this note.")
FORM_FIELDS = ("assignee", "due", "status", "progress_note", "consultant_note")


def action_item_change(*, item: ActionItem, user: User, changes: Mapping[str, Any]) -> ActionItem:
    """Apply a partial change through the action plan page's own form and service."""
    if not action_item_can_edit(user=user, item=item):
        raise PermissionDenied(reports.ACTION_ITEM_EDIT_FORBIDDEN)
    # Every field of the form starts from the stored value, so an omitted field stays as it is.
    data: dict[str, Any] = {
        name: _stored(getattr(item, name)) for name in ActionItemForm.base_fields
    }
    data.update({name: _text(changes[name]) for name in FORM_FIELDS if name in changes})
    with_note = action_note_can_edit(user=user, organization=item.assessment.organization)
    if "consultant_note" in changes and not with_note:
        raise InvalidInputError({"consultant_note": [CONSULTANT_NOTE_FORBIDDEN]})
    form = ActionItemForm(data, instance=item, consultant_note=with_note)
    if not form.is_valid():
        raise InvalidInputError(_form_errors(form))
    return reports.action_item_update(item=item, **form.cleaned_data)


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def report_rebuild(*, assessment: Assessment, user: User) -> Report:
    """Queue a new build of a closed cycle's report through the report page's own service."""
    try:
        return reports.report_rebuild(assessment=assessment, user=user)
    except reports.ReportError as exc:
        raise ConflictError(str(exc)) from exc


CLOSE_FORBIDDEN = _("Only an owner of the organization may close its cycles.")


def cycle_close(*, assessment: Assessment, user: User) -> Report:
    """Close the cycle and queue its report through the close page's own service."""
    if not is_owner(user=user, organization=assessment.organization):
        raise PermissionDenied(CLOSE_FORBIDDEN)
    try:
        return reports.assessment_close_and_report(assessment=assessment)
    except cycles.CycleError as exc:
        raise ConflictError(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class KpiReadingsOutcome:
    saved: int
    unchanged: int
    readings: list[KpiReading]
    kpi_statuses: dict[str, str]


def _kpi_outcome(outcome: kpi_services.UploadOutcome, item_ids: set[int]) -> KpiReadingsOutcome:
    statuses = kpi_statuses(ActionItem.objects.filter(pk__in=item_ids))
    return KpiReadingsOutcome(
        saved=len(outcome.saved),
        unchanged=outcome.unchanged,
        readings=outcome.saved,
        kpi_statuses={str(pk): status for pk, status in sorted(statuses.items())},
    )


def kpi_reading_add(*, item: ActionItem, user: User, reading: Mapping[str, Any]) -> Any:
    """Record one reading of the item's KPI through the reading form and the upload's checks."""
    if not kpi_reading_can_record(user=user, item=item):
        raise PermissionDenied(KPI_RECORD_FORBIDDEN)
    form = KpiReadingForm({name: _text(reading.get(name)) for name in KpiReadingForm.base_fields})
    if not form.is_valid():
        raise InvalidInputError(_form_errors(form))
    data = form.cleaned_data
    row = RawRow(0, item.pk, data["measured_on"], data["value"], data["note"])
    outcome = kpi_services.kpi_rows_apply(
        user=user, rows=[row], organization=None, source=KpiReading.Source.API
    )
    if not outcome.ok:
        raise InvalidInputError({"non_field_errors": [text for _n, text in outcome.problems]})
    return _kpi_outcome(outcome, {item.pk})


def kpi_readings_add(*, user: User, readings: Sequence[Mapping[str, Any]]) -> Any:
    """Record many readings, of any actions the user may record for: all or nothing."""
    rows = [
        RawRow(
            position,
            reading["action_item"],
            _text(reading.get("measured_on")),
            _text(reading.get("value")),
            _text(reading.get("note")),
        )
        for position, reading in enumerate(readings)
    ]
    outcome = kpi_services.kpi_rows_apply(
        user=user, rows=rows, organization=None, source=KpiReading.Source.API
    )
    if not outcome.ok:
        errors: dict[str, list[str]] = {}
        for position, text in outcome.problems:
            errors.setdefault(str(position), []).append(text)
        raise InvalidInputError({"readings": errors})
    return _kpi_outcome(outcome, {reading["action_item"] for reading in readings})
