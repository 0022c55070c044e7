"""One client's dashboard: trends across cycles, two cycles side by side, plan annotations."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import plotly.graph_objects as go
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event

from assessments.models import Assessment
from banks.models import Area, ConsistencyRule, Dimension, QuestionBank
from banks.selectors import question_lineage
from briefs.selectors import BriefSummary, brief_summary
from organizations.models import Organization
from reports.bands import band_label
from reports.chart_text import chart_text
from reports.charts import trend_layout
from reports.models import ActionItem, Report
from reports.numbers import points, points_change, scale_mean, signed_points
from reports.palette import DIMENSION_COLOURS, INK
from reports.selectors import reports_scored

# --- The team brief ---------------------------------------------------------------------------


def client_brief(*, organization: Organization) -> BriefSummary | None:
    """Return the client's latest published team brief and how many read it (small groups hidden)."""
    return brief_summary(organization=organization)


# --- Cycles and trends ------------------------------------------------------------------------


def code_order(*, bank_ids: set[int]) -> Callable[[str], tuple[int, int, str]]:
    """Return a sort key putting dimension and area codes in bank order.

    JSON objects carry no order on every database (PostgreSQL's jsonb sorts its keys), so the
    order comes from the bank's own positions; codes no bank knows go last, by code.
    """
    keys: dict[str, tuple[int, int]] = {}
    for code, position in Dimension.objects.filter(bank_id__in=bank_ids).values_list(
        "code", "position"
    ):
        keys[code] = min(keys.get(code, (position, -1)), (position, -1))
    for code, dim_position, position in Area.objects.filter(
        dimension__bank_id__in=bank_ids
    ).values_list("code", "dimension__position", "position"):
        keys[code] = min(keys.get(code, (dim_position, position)), (dim_position, position))

    def key(code: str) -> tuple[int, int, str]:
        first, second = keys.get(code, (10_000, 10_000))
        return first, second, code

    return key


@dataclass(frozen=True, slots=True)
class CyclePoint:
    """One scored cycle, read from the report's summary columns only."""

    assessment_id: int
    label: str
    created_at: datetime
    bank_id: int
    bank_slug: str
    bank_version: int
    index: float | None
    band: str
    dimensions: dict[str, dict[str, Any]]  # {code: {"title": ..., "score": ...}}

    @property
    def band_label(self) -> str:
        """Return the band's name as people read it."""
        return str(band_label(self.band))


@dataclass(frozen=True, slots=True)
class Trends:
    cycles: list[CyclePoint]
    dimensions: list[tuple[str, str]]  # (code, title) present in every cycle, in bank order
    left_out: list[str]  # titles of dimensions some cycles lack
    versions: list[int]
    figure: dict[str, Any] | None

    @property
    def mixed_versions(self) -> bool:
        return len(self.versions) > 1


def cycles_scored(*, organization: Organization) -> list[CyclePoint]:
    """Return the organization's cycles with a scored index, oldest first, from summary columns."""
    rows = (
        reports_scored()
        .filter(assessment__organization=organization)
        .order_by("assessment__created_at", "assessment_id")
        .values(
            "assessment_id",
            "assessment__label",
            "assessment__created_at",
            "assessment__bank_id",
            "assessment__bank__slug",
            "assessment__bank__version",
            "alignment_index",
            "band",
            "dimension_scores",
        )
    )
    return [
        CyclePoint(
            assessment_id=row["assessment_id"],
            label=row["assessment__label"],
            created_at=row["assessment__created_at"],
            bank_id=row["assessment__bank_id"],
            bank_slug=row["assessment__bank__slug"],
            bank_version=row["assessment__bank__version"],
            index=row["alignment_index"],
            band=row["band"],
            dimensions=row["dimension_scores"] or {},
        )
        for row in rows
    ]


def client_trends(*, cycles: list[CyclePoint]) -> Trends:
    """Return the index and the dimensions every cycle shares over time, with a line chart."""
    versions = sorted({cycle.bank_version for cycle in cycles})
    order: list[tuple[str, str]] = []
    for cycle in cycles:
        for code, entry in cycle.dimensions.items():
            if code not in dict(order):
                order.append((code, entry.get("title") or code))
    positions = code_order(bank_ids={cycle.bank_id for cycle in cycles})
    order.sort(key=lambda pair: positions(pair[0]))
    shared = [(code, title) for code, title in order if all(code in c.dimensions for c in cycles)]
    left_out = [title for code, title in order if (code, title) not in shared]
    figure = _trend_figure(cycles, shared) if cycles else None
    return Trends(
        cycles=cycles, dimensions=shared, left_out=left_out, versions=versions, figure=figure
    )


def _trend_figure(cycles: list[CyclePoint], dimensions: list[tuple[str, str]]) -> dict[str, Any]:
    labels = [chart_text(cycle.label) for cycle in cycles]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=[cycle.index for cycle in cycles],
            name=chart_text(_("Alignment index")),
            mode="lines+markers",
            line={"color": INK, "width": 4},
            # Translators: a chart tooltip; keep %{x}, <br> and %{y:.0f} as they are.
            hovertemplate=_("%{x}<br>alignment index %{y:.0f}") + "<extra></extra>",
        )
    )
    for n, (code, title) in enumerate(dimensions):
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=[cycle.dimensions[code].get("score") for cycle in cycles],
                name=chart_text(title),
                mode="lines+markers",
                line={"color": DIMENSION_COLOURS[n % len(DIMENSION_COLOURS)], "width": 2},
                # The name, not the title in the template: a title may hold "%{...}" itself.
                hovertemplate="%{x}<br>%{fullData.name} %{y:.0f}<extra></extra>",
            )
        )
    fig.update_layout(**trend_layout(height=380, y_title=chart_text(_("Score (0–100)"))))
    data: dict[str, Any] = json.loads(fig.to_json())
    return data


# --- Two cycles side by side --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Move:
    code: str
    title: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        """Return the unrounded change, for ordering; people read `shown_delta`."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def shown_delta(self) -> int | None:
        """Return the change as the difference of the two whole-point scores shown."""
        return points_change(self.before, self.after)

    @property
    def delta_label(self) -> str:
        return signed_points(self.shown_delta)


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    severity: str
    message: str


@dataclass(slots=True)
class Comparison:
    before: CyclePoint
    after: CyclePoint
    dimensions: list[Move] = field(default_factory=list)
    areas: list[Move] = field(default_factory=list)
    appeared: list[Flag] = field(default_factory=list)
    cleared: list[Flag] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # what only one of the versions has
    renamed: int = 0  # questions matched through their lineage rather than their code

    @property
    def same_version(self) -> bool:
        return (self.before.bank_slug, self.before.bank_version) == (
            self.after.bank_slug,
            self.after.bank_version,
        )

    @property
    def index_delta(self) -> int | None:
        """Return the index's change as the difference of the two whole points shown."""
        return points_change(self.before.index, self.after.index)

    @property
    def index_delta_label(self) -> str:
        return signed_points(self.index_delta)

    @property
    def band_changed(self) -> bool:
        return self.before.band != self.after.band

    @property
    def moved_areas(self) -> list[Move]:
        return [m for m in self.areas if m.shown_delta]


def cycles_compare(
    *, organization: Organization, before_id: int, after_id: int
) -> Comparison | None:
    """Compare two of the organization's scored cycles on what both bank versions share.

    The older cycle is always "before". Areas and dimensions are matched by code; questions by
    code or through `continues` across the versions in between. Whatever only one side has is
    listed in `left_out` rather than compared.
    """
    cycles = {c.assessment_id: c for c in cycles_scored(organization=organization)}
    if before_id not in cycles or after_id not in cycles or before_id == after_id:
        return None
    before, after = sorted(
        (cycles[before_id], cycles[after_id]), key=lambda c: (c.created_at, c.assessment_id)
    )
    results = dict(
        Report.objects.filter(
            assessment_id__in=[before.assessment_id, after.assessment_id]
        ).values_list("assessment_id", "result")
    )
    old, new = results[before.assessment_id] or {}, results[after.assessment_id] or {}
    comparison = Comparison(before=before, after=after)
    old_dims, new_dims = old.get("dimensions", {}), new.get("dimensions", {})

    positions = code_order(bank_ids={before.bank_id, after.bank_id})
    old_dims = dict(sorted(old_dims.items(), key=lambda kv: positions(kv[0])))
    new_dims = dict(sorted(new_dims.items(), key=lambda kv: positions(kv[0])))
    for code, dim in new_dims.items():
        if code in old_dims:
            comparison.dimensions.append(
                Move(code, dim["title"], old_dims[code]["score"], dim["score"])
            )
    comparison.left_out += _only_in(old_dims, new_dims, before, "dimension")
    comparison.left_out += _only_in(new_dims, old_dims, after, "dimension")

    old_areas = {code: a for d in old_dims.values() for code, a in d["areas"].items()}
    new_areas = {code: a for d in new_dims.values() for code, a in d["areas"].items()}
    for code, area in new_areas.items():
        if code in old_areas:
            comparison.areas.append(
                Move(code, area["title"], old_areas[code]["score"], area["score"])
            )
    comparison.areas.sort(key=lambda m: (-abs(m.delta) if m.delta is not None else 1, m.code))
    comparison.left_out += _only_in(old_areas, new_areas, before, "area")
    comparison.left_out += _only_in(new_areas, old_areas, after, "area")

    if not comparison.same_version:
        _compare_questions(comparison, old_areas, new_areas)

    old_flags = {f["rule"]: f for f in old.get("consistency_flags", [])}
    new_flags = {f["rule"]: f for f in new.get("consistency_flags", [])}
    old_rules, new_rules = _rule_codes(before), _rule_codes(after)
    for rule, flag in new_flags.items():
        if rule not in old_flags and rule in old_rules:
            comparison.appeared.append(Flag(rule, flag["severity"], flag["message"]))
    for rule, flag in old_flags.items():
        if rule not in new_flags and rule in new_rules:
            comparison.cleared.append(Flag(rule, flag["severity"], flag["message"]))
    for rule in sorted((old_rules ^ new_rules) & (set(old_flags) | set(new_flags))):
        comparison.left_out.append(
            _("consistency check “%(rule)s” (in one version only)") % {"rule": rule}
        )
    return comparison


# What a comparison leaves out because only one of the two bank versions has it.
ONLY_IN = {
    "dimension": gettext_lazy("dimension “%(title)s” (only in %(cycle)s, bank v%(version)s)"),
    "area": gettext_lazy("area “%(title)s” (only in %(cycle)s, bank v%(version)s)"),
}


def _only_in(
    side: dict[str, Any], other: dict[str, Any], cycle: CyclePoint, kind: str
) -> list[str]:
    template = ONLY_IN[kind]
    return [
        str(template)
        % {"title": entry["title"], "cycle": cycle.label, "version": cycle.bank_version}
        for code, entry in side.items()
        if code not in other
    ]


def _questions(areas: dict[str, Any]) -> set[str]:
    return {c["question"] for area in areas.values() for c in area.get("contributions", [])}


def _compare_questions(comparison: Comparison, old_areas: dict, new_areas: dict) -> None:
    """List the questions of the shared areas that have no counterpart in the other version."""
    shared = {code for code in new_areas if code in old_areas}
    old_q = _questions({c: a for c, a in old_areas.items() if c in shared})
    new_q = _questions({c: a for c, a in new_areas.items() if c in shared})
    mapping = version_lineage(before=comparison.before, after=comparison.after)
    matched_old = set()
    for code in sorted(new_q):
        origin = mapping.get(code, code)
        if origin in old_q:
            matched_old.add(origin)
            comparison.renamed += origin != code
        else:
            comparison.left_out.append(
                _("question %(code)s (only in %(cycle)s, bank v%(version)s)")
                % {
                    "code": code,
                    "cycle": comparison.after.label,
                    "version": comparison.after.bank_version,
                }
            )
    for code in sorted(old_q - matched_old):
        comparison.left_out.append(
            _("question %(code)s (only in %(cycle)s, bank v%(version)s)")
            % {
                "code": code,
                "cycle": comparison.before.label,
                "version": comparison.before.bank_version,
            }
        )


def version_lineage(*, before: CyclePoint, after: CyclePoint) -> dict[str, str]:
    """Return {question code in the newer version: its code in the older one}, chained."""
    if before.bank_slug != after.bank_slug:
        return {}
    banks = list(
        QuestionBank.objects.filter(
            slug=after.bank_slug,
            version__gt=before.bank_version,
            version__lte=after.bank_version,
        ).order_by("-version")
    )
    steps = [question_lineage(bank_row=bank) for bank in banks]
    mapping: dict[str, str] = {}
    for code in {code for step in steps for code in step}:
        origin = code
        for step in steps:
            # A code without `continues` is taken to be the same question under the same code.
            origin = step.get(origin, origin)
        mapping[code] = origin
    return mapping


def _rule_codes(cycle: CyclePoint) -> set[str]:
    return set(
        ConsistencyRule.objects.filter(
            bank__slug=cycle.bank_slug, bank__version=cycle.bank_version
        ).values_list("code", flat=True)
    )


# --- The action plan --------------------------------------------------------------------------


def action_plan_of(*, assessment: Assessment | None) -> list[ActionItem]:
    """Return the cycle's action items in plan order."""
    if assessment is None:
        return []
    return list(assessment.action_items.order_by("position"))


# --- Exports ----------------------------------------------------------------------------------

# The last column, "Completed at (zone)", is added by `action_plan_table`.
ACTION_HEADERS: list[Any] = [
    gettext_lazy("Cycle"),
    "#",
    gettext_lazy("Action"),
    gettext_lazy("Specific"),
    gettext_lazy("Dimension"),
    gettext_lazy("Area"),
    gettext_lazy("Direction"),
    gettext_lazy("Fixes"),
    gettext_lazy("KPI"),
    gettext_lazy("Unit"),
    gettext_lazy("KPI direction"),
    gettext_lazy("KPI baseline"),
    gettext_lazy("KPI target"),
    gettext_lazy("Practice from (1-5)"),
    gettext_lazy("Practice to (1-5)"),
    gettext_lazy("Effort (1-5)"),
    gettext_lazy("Person-days"),
    gettext_lazy("Expected index uplift"),
    gettext_lazy("Start"),
    gettext_lazy("Due"),
    gettext_lazy("Status"),
    gettext_lazy("Assigned to"),
    gettext_lazy("Progress note"),
    gettext_lazy("Consultant note"),
]


def results_table(*, organization: Organization) -> tuple[list[str], list[list[Any]]]:
    """Return one row per scored cycle: index, band, every dimension and every area score."""
    reports = list(
        reports_scored()
        .filter(assessment__organization=organization)
        .select_related("assessment__bank")
        .order_by("assessment__created_at", "assessment_id")
    )
    dimensions: dict[str, str] = {}
    areas: dict[str, str] = {}
    for report in reports:
        for code, dim in (report.result or {}).get("dimensions", {}).items():
            dimensions.setdefault(code, dim.get("title") or code)
            for area_code, area in dim.get("areas", {}).items():
                areas.setdefault(area_code, area.get("title") or area_code)
    positions = code_order(bank_ids={report.assessment.bank_id for report in reports})
    dimensions = dict(sorted(dimensions.items(), key=lambda kv: positions(kv[0])))
    areas = dict(sorted(areas.items(), key=lambda kv: positions(kv[0])))
    headers = [
        _("Cycle"),
        _("Started"),
        _("Bank version"),
        _("Alignment index"),
        _("Band"),
        *[_("%(title)s (dimension)") % {"title": title} for title in dimensions.values()],
        *[f"{title} ({code})" for code, title in areas.items()],
    ]
    rows: list[list[Any]] = []
    for report in reports:
        result_dims = (report.result or {}).get("dimensions", {})
        result_areas = {c: a for d in result_dims.values() for c, a in d.get("areas", {}).items()}
        rows.append(
            [
                report.assessment.label,
                timezone.localtime(report.assessment.created_at).date(),
                report.assessment.bank.version,
                points(report.alignment_index),
                str(band_label(report.band)),
                *[points(result_dims.get(code, {}).get("score")) for code in dimensions],
                *[points(result_areas.get(code, {}).get("score")) for code in areas],
            ]
        )
    return headers, rows


def _rounded(value: float | None) -> float | None:
    return scale_mean(value)  # practice levels are on the 1..5 scale


def action_plan_table(*, assessment: Assessment | None) -> tuple[list[str], list[list[Any]]]:
    """Return the cycle's action plan, one row per item, with status and both notes."""
    rows = [
        [
            item.assessment.label,
            item.position + 1,
            item.title,
            item.specific,
            item.dimension_code,
            item.area_code,
            item.get_direction_display(),
            ", ".join(item.addresses or []),
            item.kpi,
            item.unit,
            item.kpi_direction,
            item.baseline,
            item.target,
            _rounded(item.practice_from),
            _rounded(item.practice_to),
            item.effort,
            item.effort_days,
            round(item.expected_uplift, 2),
            item.start,
            item.due,
            item.get_status_display(),
            item.assignee or item.owner_role,
            item.progress_note,
            item.consultant_note,
            item.completed_at,
        ]
        for item in _items(assessment)
    ]
    # The export writes wall-clock times of the active zone (the organization's): say which.
    zone = timezone.get_current_timezone_name()
    headers = [str(header) for header in ACTION_HEADERS]
    # Translators: a column header, e.g. "Completed at (Europe/Vienna)".
    completed = _("Completed at (%(zone)s)") % {"zone": zone}
    return [*headers, completed], rows


def _items(assessment: Assessment | None) -> list[ActionItem]:
    if assessment is None:
        return []
    return list(assessment.action_items.select_related("assessment").order_by("position"))


def action_plan_ics(*, assessment: Assessment | None, host: str = "resonance") -> bytes:
    """Return the plan as an iCalendar file: one all-day event on each item's due date."""
    calendar = Calendar()
    calendar.add("prodid", "-//Resonance//Action plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if assessment is not None:
        calendar.add(
            "x-wr-calname",
            _("%(organization)s – action plan") % {"organization": assessment.organization.name},
        )
    for item in _items(assessment):
        event = Event()
        # Stable per item, so re-importing the file updates events instead of duplicating them.
        event.add("uid", f"action-item-{item.pk}@{host}")
        event.add("dtstamp", item.updated_at)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", item.title)
        event.add("description", _ics_description(item))
        event.add("categories", [item.dimension_code])
        calendar.add_component(event)
    return calendar.to_ical()


def _ics_description(item: ActionItem) -> str:
    lines = [
        item.specific,
        "",
        (
            _("KPI: %(kpi)s (%(unit)s)") % {"kpi": item.kpi, "unit": item.unit}
            if item.unit
            else _("KPI: %(kpi)s") % {"kpi": item.kpi}
        ),
        _("Goal: %(goal)s") % {"goal": item.kpi_goal},
        _("Assigned to: %(who)s") % {"who": item.assignee or item.owner_role},
        _("Status: %(status)s") % {"status": item.get_status_display()},
    ]
    if item.consultant_note:
        lines.append(_("Consultant note: %(note)s") % {"note": item.consultant_note})
    return "\n".join(lines)
