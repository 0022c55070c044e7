"""A chart's data as a table in templates: `{% load chart_tables %}{% figure_table figure as t %}`."""

from typing import Any

from django import template

from reports.chart_tables import ChartTable
from reports.chart_tables import figure_table as build_table

register = template.Library()


@register.simple_tag
def figure_table(figure: dict[str, Any] | None) -> ChartTable | None:
    """Return the figure's data as a table (None when it has none)."""
    return build_table(figure)
