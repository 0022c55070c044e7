"""KPI statuses in templates: `{% load kpi %}{% kpi_status_label item.kpi_status %}`."""

from django import template

from reports.kpi import KPI_STATUS_LABELS

register = template.Library()


@register.simple_tag
def kpi_status_label(status: str) -> str:
    """Return the KPI status's name for people."""
    return str(KPI_STATUS_LABELS.get(status, status))
