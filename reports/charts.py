"""Plotly figures for the report page, from already-computed report content.

Figures are returned as plain JSON-ready dicts: the page embeds them as data blocks and a static
script draws them, so no inline script is ever needed. Plotly never enters `scoring/`.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go
from django.utils.formats import date_format, get_format, number_format
from django.utils.translation import gettext, ngettext, pgettext

from reports import plotly_paths
from reports.chart_text import chart_text
from reports.content import QUADRANT_LABELS, ReportContent, signed, spread_positions
from reports.models import ActionItem
from reports.numbers import decimal_text, scale_mean, short_number
from reports.palette import (
    GRID,
    GUIDE,
    INK,
    INK_FILL,
    MUTED,
    NO_DATA,
    OTHER_DISCIPLINE,
    OVER,
    QUADRANT_COLOURS,
    SCALE,
    SHORT,
    STATUS_COLOURS,
    TARGET,
)
from reports.palette import WEB_FONT as FONT

DAY_MS = 24 * 3600 * 1000
# An empty go.layout.Template() as Plotly writes it: no theme at all.
EMPTY_TEMPLATE: dict[str, Any] = {"data": {"scatter": [{"type": "scatter"}]}}


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": EMPTY_TEMPLATE,  # keeps Plotly's large default theme out of the JSON
        "font": FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "hoverlabel": {"font": FONT},
        "separators": plotly_separators(),
    }
    layout.update(extra)
    return layout


def plotly_separators() -> str:
    """Return Plotly's `separators` for the active language: its decimal, then its thousands."""
    return f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}"


def trend_layout(*, height: int, y_title: str) -> dict[str, Any]:
    """The layout of a 0–100 score trend over cycles (and pulses): the client dashboard's and
    the organization page's area trend share it."""
    return {
        "template": go.layout.Template(),  # keeps Plotly's large default theme out of the JSON
        "font": FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "separators": plotly_separators(),
        "height": height,
        # Above the plot: a legend below it would spill out of the figure's box.
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "xaxis": {"type": "category", "automargin": True},
        "yaxis": {
            "range": [0, 100],
            "title": {"text": y_title},
            "gridcolor": GRID,
            "automargin": True,
        },
    }


def _as_json(fig: go.Figure) -> dict[str, Any]:
    # Tick labels and axis titles push the plot in rather than being clipped by the margins.
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    data: dict[str, Any] = json.loads(fig.to_json())
    return data


def _wrap(text: str, width: int = 28) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br>".join(lines)


def _padded_range(low: float, high: float) -> list[float]:
    """Leave room beyond the longest bars for their value labels, wide screen or phone."""
    pad = max(0.5, 0.25 * (high - low))
    return [low - pad, high + pad]


def radar_figure(content: ReportContent) -> dict[str, Any]:
    """Return the radar of each dimension's mean answer against its mean target (1–5)."""
    rows = [d for d in content.dimensions if d.mean_current is not None]
    # Short lines, so the labels fit a phone; the score under each name, as the text says.
    labels = [
        _wrap(chart_text(d.title), 14) + ("" if d.score is None else f"<br>{d.score:.0f}")
        for d in rows
    ]
    theta = labels + labels[:1]
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[d.mean_target for d in rows] + [rows[0].mean_target] if rows else [],
            theta=theta,
            name=gettext("What the strategy needs"),
            line={"color": TARGET, "dash": "dash", "width": 2},
            customdata=[[chart_text(d.title)] for d in rows] + [[chart_text(rows[0].title)]]
            if rows
            else [],
            # Plotly fills in its %{...} fields: the translated words go around them.
            hovertemplate="%{customdata[0]}<br>"
            + gettext("target %(value)s") % {"value": "%{r:.1f}"}
            + "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=[d.mean_current for d in rows] + [rows[0].mean_current] if rows else [],
            theta=theta,
            name=gettext("Current practice"),
            fill="toself",
            fillcolor=INK_FILL,
            line={"color": INK, "width": 3},
            customdata=[[chart_text(d.title), d.score] for d in rows]
            + [[chart_text(rows[0].title), rows[0].score]]
            if rows
            else [],
            hovertemplate="%{customdata[0]}<br>"
            + gettext("practice %(value)s") % {"value": "%{r:.1f}"}
            + "<br>"
            + gettext("score %(score)s") % {"score": "%{customdata[1]:.0f}"}
            + "<extra></extra>",
        )
    )
    fig.update_layout(
        _layout(
            height=400,
            polar={
                "radialaxis": {"range": [1, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 90},
                "angularaxis": {"direction": "clockwise"},
            },
            legend={"orientation": "h", "y": -0.2, "x": 0.5, "xanchor": "center"},
            # Room for three-line labels beside the circle, even on a phone.
            margin={"l": 95, "r": 95, "t": 60, "b": 70},
        )
    )
    return _as_json(fig)


def area_gap_figure(content: ReportContent) -> dict[str, Any]:
    """Return bars of each area's mean answer minus mean target: short below, beyond above."""
    areas = list(reversed(content.areas))
    labels = [_wrap(chart_text(a.title), 22) for a in areas]
    gaps = [(a.gap or 0.0) if a.score is not None else 0.0 for a in areas]
    colours = [NO_DATA if a.score is None else (SHORT if (a.gap or 0) < 0 else OVER) for a in areas]
    hover = [
        f"{chart_text(a.title)} ({chart_text(a.dimension_title)})<br>"
        + (
            gettext("insufficient data")
            if a.score is None
            else gettext("score %(score)s · practice %(practice)s vs target %(target)s")
            % {
                "score": f"{a.score:.0f}",
                "practice": decimal_text(a.mean_current or 0.0, 1),
                "target": decimal_text(a.mean_target or 0.0, 1),
            }
        )
        for a in areas
    ]
    fig = go.Figure(
        go.Bar(
            x=gaps,
            y=labels,
            orientation="h",
            marker={"color": colours},
            hovertext=hover,
            hoverinfo="text",
            text=[gettext("no data") if a.score is None else signed(a.gap or 0.0) for a in areas],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_layout(
        _layout(
            height=max(320, 34 * len(areas) + 90),
            xaxis={
                "title": {"text": gettext("mean answer minus target<br>(points on the 1–5 scale)")},
                "zeroline": True,
                "zerolinecolor": INK,
                "zerolinewidth": 2,
                "gridcolor": GRID,
                "range": _padded_range(min([*gaps, -1.0]), max([*gaps, 0.5])),
            },
            yaxis={"automargin": True},
            margin={"l": 10, "r": 30, "t": 20, "b": 50},
            showlegend=False,
        )
    )
    return _as_json(fig)


def perception_figure(content: ReportContent) -> dict[str, Any] | None:
    """Return the heatmap of mean answers per area and respondent group (None if hidden)."""
    perception = content.perception
    groups = perception.get("groups") or []
    if not perception.get("comparable") or len(groups) < 2:
        return None
    rows = list(reversed(perception["areas"]))
    columns = [chart_text(f"{g['label']} ({g['respondents']})") for g in groups]
    z = [row["values"] for row in rows]
    text = [
        ["–" if v is None else decimal_text(scale_mean(v), 1) for v in row["values"]]
        for row in rows
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=[chart_text(row["title"]) for row in rows],
            text=text,
            texttemplate="%{text}",
            zmin=1,
            zmax=5,
            colorscale=[[0, SCALE[0]], [0.5, SCALE[1]], [1, SCALE[2]]],
            colorbar={"title": {"text": gettext("mean<br>answer")}, "thickness": 12},
            hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        _layout(
            height=max(320, 26 * len(rows) + 90),
            xaxis={"side": "top"},
            yaxis={"automargin": True},
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
        )
    )
    return _as_json(fig)


def matrix_figure(content: ReportContent, plan_size: int) -> dict[str, Any]:
    """Return the impact/feasibility matrix of the priorities, coloured by quadrant."""
    rows = list(content.priorities)
    fig = go.Figure()
    if rows:
        xs = spread_positions([p.feasibility for p in rows], [p.question for p in rows])
        for quadrant, label in QUADRANT_LABELS.items():
            picked = [(x, p) for x, p in zip(xs, rows, strict=True) if p.quadrant == quadrant]
            if not picked:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[x for x, _ in picked],
                    y=[p.uplift for _, p in picked],
                    mode="markers+text",
                    name=chart_text(str(label)),
                    marker={
                        "color": QUADRANT_COLOURS[quadrant],
                        "size": [14 if p.rank <= plan_size else 8 for _, p in picked],
                        "line": {"color": "white", "width": 1},
                    },
                    text=[str(p.rank) if p.rank <= plan_size else "" for _, p in picked],
                    textposition="top center",
                    hovertext=[
                        f"#{p.rank} {_wrap(chart_text(p.text), 50)}<br>{chart_text(p.area_title)}<br>"
                        + gettext("uplift %(uplift)s · feasibility %(feasibility)s")
                        % {
                            "uplift": decimal_text(p.uplift, 2),
                            "feasibility": decimal_text(p.feasibility, 1),
                        }
                        for _, p in picked
                    ],
                    hoverinfo="text",
                )
            )
        x_mid = statistics.median(p.feasibility for p in rows)
        y_mid = statistics.median(p.uplift for p in rows)
        y_top = max(p.uplift for p in rows) * 1.15 or 1.0
        for shape in (
            {"x0": x_mid, "x1": x_mid, "y0": 0, "y1": y_top},
            {"x0": 0.08, "x1": 1.1, "y0": y_mid, "y1": y_mid},
        ):
            fig.add_shape(type="line", line={"color": GUIDE, "dash": "dot"}, **shape)
        corners = (
            (0.99, 0.99, pgettext("matrix quadrant", "Quick wins"), "right", "top"),
            (0.01, 0.99, pgettext("matrix quadrant", "Major projects"), "left", "top"),
            (0.99, 0.01, pgettext("matrix quadrant", "Fill-ins"), "right", "bottom"),
            (0.01, 0.01, pgettext("matrix quadrant", "Thankless tasks"), "left", "bottom"),
        )
        for x, y, text, xanchor, yanchor in corners:
            fig.add_annotation(
                x=x,
                y=y,
                xref="paper",
                yref="paper",
                text=text,
                showarrow=False,
                xanchor=xanchor,
                yanchor=yanchor,
                bgcolor="rgba(255,255,255,0.85)",
                font={"color": MUTED, "size": 12},
            )
    fig.update_layout(
        _layout(
            height=420,
            xaxis={
                "title": {"text": gettext("feasibility (1 = trivial, 0.2 = major project)")},
                "range": [0.08, 1.1],
                "gridcolor": GRID,
            },
            yaxis={
                "title": {"text": gettext("index points gained if brought to target")},
                "rangemode": "tozero",
                "gridcolor": GRID,
            },
            legend={"orientation": "h", "y": -0.2, "x": 0.5, "xanchor": "center"},
            margin={"l": 10, "r": 10, "t": 20, "b": 10},
        )
    )
    return _as_json(fig)


def fit_figure(content: ReportContent) -> dict[str, Any]:
    """Return how closely practice matches each value discipline (-1..1), the declared one dark."""
    rows = list(content.fit)
    labels = [
        chart_text(
            gettext("%(discipline)s (declared)") % {"discipline": row.label}
            if row.declared
            else row.label
        )
        for row in rows
    ]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[row.match if row.match is not None else 0 for row in rows],
            marker={
                "color": [INK if row.declared else OTHER_DISCIPLINE for row in rows],
                "line": {
                    "color": [SHORT if row.best else "rgba(0,0,0,0)" for row in rows],
                    "width": 3,
                },
            },
            text=[
                (
                    gettext("%(match)s ★ better fit")
                    % {"match": "–" if row.match is None else decimal_text(row.match, 2)}
                )
                if row.best
                else ("–" if row.match is None else decimal_text(row.match, 2))
                for row in rows
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        _layout(
            height=320,
            yaxis={
                "range": [-1.15, 1.15],
                "title": {"text": gettext("match (−1 to 1)")},
                "gridcolor": GRID,
                "zeroline": True,
                "zerolinecolor": MUTED,
            },
            showlegend=False,
            margin={"l": 10, "r": 10, "t": 20, "b": 10},
        )
    )
    return _as_json(fig)


def gantt_figure(plan: Sequence[ActionItem], *, today: date | None = None) -> dict[str, Any]:
    """Return the timeline of the action plan: one bar per item from start to due, by status.

    Unlike the stored figures this one is drawn on every view of the report (items change in
    place), so it is written as Plotly's JSON directly: building it through graph objects cost
    more than the rest of the page.
    """
    items = list(plan)
    labels = [f"{i + 1}. {_wrap(chart_text(item.title), 40)}" for i, item in enumerate(items)]
    traces: list[dict[str, Any]] = []
    for status, name in ActionItem.Status.choices:
        picked = [(lab, it) for lab, it in zip(labels, items, strict=True) if it.status == status]
        if not picked:
            continue
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": str(name),
                "y": [lab for lab, _ in picked],
                "x": [max(1, (it.due - it.start).days) * DAY_MS for _, it in picked],
                "base": [it.start.isoformat() for _, it in picked],
                "marker": {"color": STATUS_COLOURS[status]},
                "hovertext": [_gantt_hover(it) for _, it in picked],
                "hoverinfo": "text",
            }
        )
    layout = _layout(
        height=max(260, 44 * len(items) + 90),
        barmode="overlay",
        xaxis={"type": "date", "gridcolor": GRID, "automargin": True},
        yaxis={
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": list(reversed(labels)),
        },
        legend={"orientation": "h", "y": -0.15, "x": 0.5, "xanchor": "center"},
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
    )
    if items and today is not None:
        day = today.isoformat()
        layout["shapes"] = [
            {
                "type": "line",
                "x0": day,
                "x1": day,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"color": INK, "width": 1, "dash": "dot"},
            }
        ]
        layout["annotations"] = [
            {
                "x": day,
                "y": 1,
                "yref": "paper",
                "text": gettext("today"),
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"color": INK, "size": 11},
            }
        ]
    return {"data": traces, "layout": layout}


def _gantt_hover(item: ActionItem) -> str:
    lines = [
        chart_text(item.title),
        f"{date_format(item.start, 'DATE_FORMAT')} → {date_format(item.due, 'DATE_FORMAT')}",
        ngettext(
            "%(days)s person-day · %(role)s",
            "%(days)s person-days · %(role)s",
            # The plural follows the number shown: 1 person-day, 1.5 person-days.
            1 if item.effort_days == 1 else 2,
        )
        % {"days": short_number(item.effort_days), "role": chart_text(item.owner_role)},
    ]
    if item.assignee:
        lines.append(gettext("assigned to %(name)s") % {"name": chart_text(item.assignee)})
    return "<br>".join(lines)


def report_figures(content: ReportContent) -> dict[str, Any]:
    """Return every stored figure of a report by name (the timeline is drawn per view)."""
    plotly_paths.install()  # once per process
    figures: dict[str, Any] = {
        "radar": radar_figure(content),
        "areas": area_gap_figure(content),
        "matrix": matrix_figure(content, plan_size=len(content.plan)),
        "fit": fit_figure(content),
    }
    perception = perception_figure(content)
    if perception is not None:
        figures["perception"] = perception
    return figures


def kpi_figure(item: ActionItem, readings: Sequence[Any]) -> dict[str, Any] | None:
    """Return one item's KPI series: its readings, the target and the expected path.

    Drawn on every view (readings change in place), so written as Plotly's JSON directly.
    None when the item has no reading yet: the page says so in words instead.
    """
    if not readings:
        return None
    days = [reading.measured_on for reading in readings]
    first, last = min([item.start, *days]), max([item.due, *days])
    unit = chart_text(item.unit)
    traces: list[dict[str, Any]] = []
    if item.target is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": gettext("Target"),
                "x": [first.isoformat(), last.isoformat()],
                "y": [item.target, item.target],
                "line": {"color": TARGET, "width": 1.5, "dash": "dash"},
                "hoverinfo": "skip",
            }
        )
    if item.target is not None and item.baseline is not None:
        path_x = [first, item.start, item.due, last]
        path_y = [item.baseline, item.baseline, item.target, item.target]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": gettext("Expected path"),
                "x": [day.isoformat() for day in path_x],
                "y": path_y,
                "line": {"color": GUIDE, "width": 1.5, "dash": "dot"},
                "hoverinfo": "skip",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": gettext("Readings"),
            "x": [day.isoformat() for day in days],
            "y": [float(reading.value) for reading in readings],
            "line": {"color": INK, "width": 2},
            "marker": {"color": INK, "size": 7},
            # Written here rather than by Plotly, whose month names are always English.
            "hovertext": [
                f"{date_format(reading.measured_on, 'DATE_FORMAT')}: "
                f"{number_format(reading.value.normalize(), use_l10n=True)} {unit}".rstrip()
                for reading in readings
            ],
            "hoverinfo": "text",
        }
    )
    layout = _layout(
        height=220,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"type": "date", "gridcolor": GRID, "automargin": True},
        yaxis={"gridcolor": GRID, "automargin": True, "title": {"text": unit}},
        # Below the dates' second line ("2026"), which would otherwise run into it on a phone.
        legend={"orientation": "h", "y": -0.32, "x": 0.5, "xanchor": "center"},
        showlegend=True,
    )
    return {"data": traces, "layout": layout}
