"""The area trend as a Plotly figure (JSON for a data block: no inline script, CSP-safe)."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from organizations.models import Organization
from pulses.selectors import AreaSeries, area_trend
from reports.chart_text import chart_text
from reports.charts import trend_layout
from reports.palette import DIMENSION_COLOURS


def area_trend_figure(series: list[AreaSeries]) -> dict[str, Any] | None:
    """Return one line per area, from the last full cycle through its pulses, or None."""
    if not series:
        return None
    fig = go.Figure()
    for n, area in enumerate(series):
        fig.add_trace(
            go.Scatter(
                x=[chart_text(point.label) for point in area.points],
                y=[point.score for point in area.points],
                name=chart_text(area.title),
                mode="lines+markers",
                connectgaps=True,  # a pulse that skipped the area leaves no hole in its line
                line={"color": DIMENSION_COLOURS[n % len(DIMENSION_COLOURS)], "width": 2},
                marker={"size": 9},
                hovertemplate="%{x}<br>%{fullData.name} %{y:.0f}<extra></extra>",
            )
        )
    fig.update_layout(**trend_layout(height=360, y_title=_("Area score (0–100)")))
    data: dict[str, Any] = json.loads(fig.to_json())
    return data


def area_trend_context(*, organization: Organization) -> dict[str, Any]:
    """Return what the area-trend include needs: the series, its figure and its table rows."""
    series = area_trend(organization=organization)
    return {
        "trend_series": series,
        "trend_figure": area_trend_figure(series),
        # Every series has the same points; the table's columns come from the first.
        "trend_points": list(series[0].points) if series else [],
    }
