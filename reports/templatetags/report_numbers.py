"""Numbers in the active language in templates: `{% load report_numbers %}{{ area.coverage|share_percent }}`."""

from django import template

from reports.numbers import percent_text

register = template.Library()


@register.filter
def share_percent(share: float | None) -> str:
    """Return a 0..1 share as a whole percentage the active language writes ("72%", "72 %")."""
    if share is None or share == "":
        return "–"
    return percent_text(float(share) * 100)


@register.filter
def percent(value: float | None) -> str:
    """Return a 0..100 value as a whole percentage the active language writes ("60%", "60 %")."""
    if value is None or value == "":
        return "–"
    return percent_text(float(value))
