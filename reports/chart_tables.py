"""A chart's data as a table: the text alternative shown behind "Show the data" under each chart.

Built from the Plotly figure itself (the JSON the page draws), so the table always holds what the
chart shows: one row per category (a dimension, an area, a cycle, a date) and one column per
series; a heatmap keeps its grid; a scatter of two measures lists its points; a timeline lists
each bar's start and end. Labels lose the chart's markup (line breaks, entities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import unescape
from typing import Any

from django.utils.translation import gettext

__all__ = ["ChartTable", "figure_table"]

DAY_MS = 24 * 3600 * 1000
_TAG = re.compile(r"<[^>]+>")
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")


@dataclass
class ChartTable:
    """Column headings (the first names the row labels) and rows of (label, cells)."""

    columns: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)


def _plain(value: Any) -> str:
    """A label as a person reads it: line breaks as spaces, no markup, entities decoded."""
    text = str(value).replace("<br>", " ")
    return " ".join(unescape(_TAG.sub("", text)).split())


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _plain(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _axis_title(layout: dict[str, Any], axis: str) -> str:
    title = (layout.get(axis) or {}).get("title") or {}
    text = title.get("text") if isinstance(title, dict) else title
    return _plain(text) if text else ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cells(trace: dict[str, Any], values: list[Any]) -> list[str]:
    """The value of each point: its own label when the chart writes one beside it."""
    text = trace.get("text")
    if isinstance(text, list) and len(text) == len(values) and all(text):
        return [_plain(t) for t in text]
    return [_number(v) for v in values]


def _heatmap(trace: dict[str, Any], corner: str) -> ChartTable:
    columns = [_plain(x) for x in trace.get("x") or []]
    table = ChartTable(columns=[corner, *columns])
    texts = trace.get("text") or []
    for index, (label, values) in enumerate(
        zip(trace.get("y") or [], trace.get("z") or [], strict=False)
    ):
        row_text = texts[index] if index < len(texts) else None
        cells = [_plain(t) for t in row_text] if row_text else [_number(v) for v in values]
        table.rows.append((_plain(label), cells))
    table.rows.reverse()  # heatmaps list their rows bottom-up
    return table


def _timeline(traces: list[dict[str, Any]], corner: str) -> ChartTable:
    """Horizontal bars from a start date (`base`) over a duration in milliseconds."""
    table = ChartTable(columns=[corner, gettext("Status"), gettext("Start"), gettext("End")])
    rows = []
    for trace in traces:
        for label, start, length in zip(trace["y"], trace["base"], trace["x"], strict=False):
            begin = date.fromisoformat(str(start)[:10])
            end = begin + timedelta(days=round(float(length) / DAY_MS))
            rows.append(
                (_plain(label), [_plain(trace.get("name", "")), begin.isoformat(), end.isoformat()])
            )
    table.rows = sorted(rows, key=lambda row: _leading_number(row[0]))
    return table


def _leading_number(label: str) -> tuple[int, str]:
    found = re.match(r"(\d+)\.", label)
    return (int(found.group(1)) if found else 0, label)


def _points(traces: list[dict[str, Any]], layout: dict[str, Any]) -> ChartTable:
    """A scatter of two measures: one row per point, named by its hover text or its series."""
    x_title = _axis_title(layout, "xaxis") or "x"
    y_title = _axis_title(layout, "yaxis") or "y"
    table = ChartTable(columns=[gettext("Point"), gettext("Group"), x_title, y_title])
    for trace in traces:
        hover = trace.get("hovertext")
        for index, (x, y) in enumerate(
            zip(trace.get("x") or [], trace.get("y") or [], strict=False)
        ):
            label = hover[index] if isinstance(hover, list) and index < len(hover) else ""
            name = _plain(str(label).split("<br>")[0]) if label else str(index + 1)
            table.rows.append((name, [_plain(trace.get("name", "")), _number(x), _number(y)]))
    return table


def figure_table(figure: dict[str, Any] | None) -> ChartTable | None:
    """Return the figure's data as a table, or None when it has nothing to show."""
    if not figure:
        return None
    traces = [trace for trace in figure.get("data") or [] if trace.get("visible", True) is True]
    layout = figure.get("layout") or {}
    if not traces:
        return None
    kind = traces[0].get("type", "scatter")
    if kind == "heatmap":
        return _heatmap(traces[0], _axis_title(layout, "yaxis") or gettext("Row"))
    if kind == "bar" and all("base" in trace for trace in traces):
        return _timeline(traces, _axis_title(layout, "yaxis") or gettext("Item"))
    if kind == "scatter" and all(
        _is_number(x) for trace in traces for x in (trace.get("x") or [None])
    ):
        return _points(traces, layout)

    # Categories (a dimension, an area, a cycle, a date) against one column per series.
    columns: list[str] = []
    by_category: dict[str, dict[int, str]] = {}
    for number, trace in enumerate(traces):
        if trace.get("type") == "scatterpolar":
            categories, values = trace.get("theta") or [], trace.get("r") or []
            value_axis = ""
        elif trace.get("orientation") == "h":
            categories, values = trace.get("y") or [], trace.get("x") or []
            value_axis = _axis_title(layout, "xaxis")
        else:
            categories, values = trace.get("x") or [], trace.get("y") or []
            value_axis = _axis_title(layout, "yaxis")
        name = _plain(trace.get("name") or "") or value_axis or gettext("Value")
        columns.append(name)
        for category, cell in zip(categories, _cells(trace, list(values)), strict=False):
            # A closed line (the radar's) repeats its first point: keep the first.
            by_category.setdefault(_plain(category), {}).setdefault(number, cell)
    corner = gettext("Category")
    table = ChartTable(columns=[corner, *columns])
    for category, cells in by_category.items():
        table.rows.append((category, [cells.get(n, "–") for n in range(len(traces))]))
    if traces[0].get("orientation") == "h":
        table.rows.reverse()  # horizontal bars are listed bottom-up
    elif all(_ISO_DAY.match(label) for label, _cells in table.rows):
        table.rows.sort()  # series over time: in date order, whichever series drew a day first
    return table
