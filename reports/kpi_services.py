"""Recording KPI readings: one from a page, many from the API, a whole file from an upload.

Every write goes through `kpi_readings_record`: all or nothing, the items locked while their
readings are checked and saved, and an item without a baseline takes its earliest reading's.
Every reading is judged by `KpiReadingForm`, so a page, the API and an upload give the same
messages for the same mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.selectors import assessments_for_user
from organizations.models import Organization
from reports.forms import KpiReadingForm
from reports.kpi import kpi_record_rights_many
from reports.kpi_files import RawRow
from reports.models import ActionItem, KpiReading

__all__ = [
    "KpiReadingsError",
    "ReadingInput",
    "UploadOutcome",
    "kpi_reading_delete",
    "kpi_readings_record",
    "kpi_rows_apply",
]

FIELD_LABELS = {"measured_on": "date", "value": "value", "note": "note"}


@dataclass(frozen=True, slots=True)
class ReadingInput:
    item: ActionItem
    measured_on: date
    value: Decimal
    note: str = ""


class KpiReadingsError(Exception):
    """Readings that can't be saved; `problems` maps each input's position to its messages."""

    def __init__(self, problems: dict[int, list[str]]) -> None:
        super().__init__("readings not saved")
        self.problems = problems


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


@transaction.atomic
def kpi_readings_record(
    *, readings: Sequence[ReadingInput], user: User | None, source: str
) -> list[KpiReading]:
    """Save the readings, all or none; set the baseline of each item that has none.

    A reading dated like one already stored for its item, or like another in the same call,
    is refused with its position: a stored value is changed by deleting it first, never
    overwritten by accident.
    """
    item_ids = sorted({reading.item.pk for reading in readings})
    # Locked in id order, so two writers over the same items never wait on each other in turn.
    locked = {
        item.pk: item
        for item in ActionItem.objects.select_for_update().filter(pk__in=item_ids).order_by("pk")
    }
    stored = {
        (item_id, day): value
        for item_id, day, value in KpiReading.objects.filter(action_item_id__in=item_ids)
        .filter(measured_on__in={reading.measured_on for reading in readings})
        .values_list("action_item_id", "measured_on", "value")
    }
    problems: dict[int, list[str]] = {}
    seen: dict[tuple[int, date], int] = {}
    for position, reading in enumerate(readings):
        key = (reading.item.pk, reading.measured_on)
        if key in stored:
            problems.setdefault(position, []).append(
                _("There is already a reading of %(value)s on %(day)s for this action.")
                % {"value": _number(stored[key]), "day": _day(reading.measured_on)}
            )
        elif key in seen:
            problems.setdefault(position, []).append(
                _("Two readings for the same action on %(day)s.")
                % {"day": _day(reading.measured_on)}
            )
        seen.setdefault(key, position)
    if problems:
        raise KpiReadingsError(problems)
    saved = KpiReading.objects.bulk_create(
        KpiReading(
            action_item_id=reading.item.pk,
            measured_on=reading.measured_on,
            value=reading.value,
            note=reading.note,
            recorded_by=user,
            source=source,
        )
        for reading in readings
    )
    _baselines_set(items=[item for item in locked.values() if item.baseline is None])
    for reading in readings:
        fresh = locked[reading.item.pk]
        reading.item.baseline = fresh.baseline
    return saved


def _baselines_set(*, items: list[ActionItem]) -> None:
    """Give each item its earliest reading as baseline (the items have none yet)."""
    if not items:
        return
    first = KpiReading.objects.filter(action_item=OuterRef("pk")).order_by("measured_on")
    values = dict(
        ActionItem.objects.filter(pk__in=[item.pk for item in items])
        .annotate(first_value=Subquery(first.values("value")[:1]))
        .values_list("pk", "first_value")
    )
    for item in items:
        if values.get(item.pk) is not None:
            item.baseline = float(values[item.pk])
    ActionItem.objects.bulk_update(items, ["baseline"])


@transaction.atomic
def kpi_reading_delete(*, reading: KpiReading) -> None:
    """Delete one reading. The baseline stays: it records where the action started from."""
    ActionItem.objects.select_for_update().filter(pk=reading.action_item_id).first()
    reading.delete()


# --- Uploads ----------------------------------------------------------------------------------


@dataclass
class UploadOutcome:
    """What an upload did: the readings saved, or every problem with its row number."""

    saved: list[KpiReading] = field(default_factory=list)
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# The largest id a database row can have (a signed 64-bit integer).
_MAX_ID = 2**63 - 1


def _item_id(raw: Any) -> int | None:
    """Return the whole number in `raw` when it could be a row's id, else None."""
    number: int | None = None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    else:
        text = str(raw or "").strip()
        if text.isascii() and text.isdigit() and len(text) <= 19:
            number = int(text)
    return number if number is not None and 1 <= number <= _MAX_ID else None


def kpi_rows_apply(
    *,
    user: User,
    rows: Sequence[RawRow],
    organization: Organization | None,
    source: str = KpiReading.Source.UPLOAD,
) -> UploadOutcome:
    """Check every row (of a file, or of an API call); save them all when none has a problem.

    With an organization (an upload from its page), every row must be one of its actions; without
    one (the API), any action the user may record for. Problems name the row: an item id that is not a whole number or names no action the user
    can see ("unknown"), an action of another organization the user can see, an action the
    user may not record for, a bad date or value, and a date the same action already has
    (in the file, or stored with another value). A row equal to a stored reading (same
    action, date and value) is already recorded and left alone, so a growing export can be
    uploaded again.
    """
    outcome = UploadOutcome()
    ids = {item_id for row in rows if (item_id := _item_id(row.item)) is not None}
    visible = {
        item.pk: item
        for item in ActionItem.objects.filter(
            pk__in=ids, assessment__in=assessments_for_user(user=user)
        ).select_related("assessment__organization")
    }
    may_record = kpi_record_rights_many(
        user=user,
        organization_ids={item.assessment.organization_id for item in visible.values()},
    )
    stored = {
        (item_id, day): value
        for item_id, day, value in KpiReading.objects.filter(
            action_item_id__in=[pk for pk, item in visible.items() if may_record(item)]
        ).values_list("action_item_id", "measured_on", "value")
    }
    first_row: dict[tuple[int, date], int] = {}
    readings: list[ReadingInput] = []
    reading_rows: list[int] = []  # the file row of each reading, for late problems
    for row in rows:
        row_problems = _row_problems(row, visible, organization, may_record)
        form = KpiReadingForm(
            {"measured_on": row.measured_on, "value": row.value, "note": row.note}
        )
        if not form.is_valid():
            row_problems += [
                f"{FIELD_LABELS.get(name, name)}: {message}"
                for name, messages in form.errors.items()
                for message in messages
            ]
        if row_problems:
            outcome.problems += [(row.number, problem) for problem in row_problems]
            continue
        item = visible[_item_id(row.item) or 0]
        day, value = form.cleaned_data["measured_on"], form.cleaned_data["value"]
        key = (item.pk, day)
        if key in first_row:
            outcome.problems.append(
                (
                    row.number,
                    _("Action %(id)s has another reading on %(day)s in row %(row)s.")
                    % {"id": item.pk, "day": _day(day), "row": first_row[key]},
                )
            )
            continue
        first_row[key] = row.number
        if key in stored:
            if stored[key] == value:
                outcome.unchanged += 1
                continue
            outcome.problems.append(
                (
                    row.number,
                    _(
                        "Action %(id)s already has a reading of %(value)s on %(day)s; delete "
                        "it on the report page first to replace it."
                    )
                    % {"id": item.pk, "value": _number(stored[key]), "day": _day(day)},
                )
            )
            continue
        readings.append(ReadingInput(item, day, value, form.cleaned_data["note"]))
        reading_rows.append(row.number)
    if outcome.problems:
        return outcome
    try:
        saved = kpi_readings_record(readings=readings, user=user, source=source)
    except KpiReadingsError as exc:
        # A reading stored by someone else since the check above: report it like the others.
        outcome.problems = [
            (reading_rows[position], message)
            for position, messages in sorted(exc.problems.items())
            for message in messages
        ]
        return outcome
    outcome.saved = saved
    return outcome


def _row_problems(
    row: RawRow,
    visible: dict[int, ActionItem],
    organization: Organization | None,
    may_record: Any,
) -> list[str]:
    item_id = _item_id(row.item)
    if row.item is None:
        return [_("The action item id is missing.")]
    if item_id is None:
        if str(row.item).strip().isdigit():  # a whole number, but beyond any stored id
            return [_("There is no action item %(id)s.") % {"id": str(row.item).strip()[:40]}]
        return [
            _("The action item id must be a whole number, not “%(raw)s”.")
            % {"raw": str(row.item)[:40]}
        ]
    item = visible.get(item_id)
    if item is None:
        return [_("There is no action item %(id)s.") % {"id": item_id}]
    if organization is not None and item.assessment.organization_id != organization.pk:
        return [
            _("Action item %(id)s belongs to another organization (%(name)s).")
            % {"id": item_id, "name": item.assessment.organization.name}
        ]
    if not may_record(item):
        return [
            _(
                "You may not record readings for action item %(id)s: only the owner, a "
                "consultant with access and the member it is assigned to may."
            )
            % {"id": item_id}
        ]
    return []
