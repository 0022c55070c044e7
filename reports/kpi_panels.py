"""What the report page, the client dashboard and the PDF show of each item's KPI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.models import Organization
from reports import charts
from reports.forms import KpiReadingForm
from reports.kpi import KPI_STATUS_LABELS, kpi_plan_of, kpi_record_rights, kpi_series
from reports.models import ActionItem, KpiReading
from reports.numbers import short_number
from scoring.kpi import expected_value, kpi_status


@dataclass(frozen=True, slots=True)
class KpiRow:
    """One reading as the text alternative of the chart shows it."""

    reading: KpiReading
    expected: Decimal | None


@dataclass
class KpiPanel:
    item: ActionItem
    status: str
    rows: list[KpiRow]
    figure: Any = None  # Plotly JSON on the web, an SVG data URL in print
    can_record: bool = False
    form: KpiReadingForm | None = None

    @property
    def status_label(self) -> str:
        return str(KPI_STATUS_LABELS[self.status])

    @property
    def latest(self) -> KpiReading | None:
        return self.rows[-1].reading if self.rows else None

    @property
    def name(self) -> str:
        """Return the chart's name on the page, unique per item."""
        return f"kpi-{self.item.pk}"

    @property
    def alt(self) -> str:
        """Return the chart in one sentence, for people who can't see it."""
        latest = self.latest
        if latest is None:
            return ""
        text = ngettext(
            "Chart of %(kpi)s: %(count)s reading from %(first)s to %(last)s, the latest "
            "%(value)s; status %(status)s.",
            "Chart of %(kpi)s: %(count)s readings from %(first)s to %(last)s, the latest "
            "%(value)s; status %(status)s.",
            len(self.rows),
        ) % {
            "kpi": self.item.kpi,
            "count": len(self.rows),
            "first": date_format(self.rows[0].reading.measured_on, "DATE_FORMAT"),
            "last": date_format(latest.measured_on, "DATE_FORMAT"),
            "value": number_format(latest.value.normalize()),
            "status": self.status_label.lower(),
        }
        if self.item.target is not None:
            text += " " + _(
                "Target %(target)s by %(due)s; the table below lists every reading."
            ) % {
                "target": short_number(self.item.target),
                "due": date_format(self.item.due, "DATE_FORMAT"),
            }
        return text


def _decimal(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def kpi_panels(
    items: Sequence[ActionItem],
    *,
    user: User | AnonymousUser | None = None,
    organization: Organization | None = None,
    print_charts: bool = False,
    forms: dict[int, KpiReadingForm] | None = None,
) -> list[KpiPanel]:
    """Return a panel per item: status, readings with the expected value, chart, reading form.

    One query for the readings of every item, and at most three for the user's rights.
    """
    items = [item for item in items if item.pk is not None]
    series = kpi_series(items)
    may_record = (
        kpi_record_rights(user=user, organization=organization)
        if user is not None and organization is not None
        else None
    )
    today = timezone.localdate()
    panels = []
    for item in items:
        readings = series.get(item.pk, [])
        plan = kpi_plan_of(item)
        latest = readings[-1] if readings else None
        status = kpi_status(plan, None if latest is None else (latest.measured_on, latest.value))
        rows = [KpiRow(r, _decimal(expected_value(plan, r.measured_on))) for r in readings]
        if print_charts:
            from reports import print_charts as drawing

            figure: Any = drawing.kpi_svg(item, readings)
        else:
            figure = charts.kpi_figure(item, readings)
        item.kpi_status = status  # type: ignore[attr-defined]  # for the plan table's badge
        can_record = bool(may_record and may_record(item))
        form = None
        if can_record:
            form = (forms or {}).get(item.pk) or KpiReadingForm(
                initial={"measured_on": today}, prefix=f"kpi-{item.pk}"
            )
        panels.append(KpiPanel(item, status, rows, figure, can_record, form))
    return panels
