"""Band names in templates: `{% load bands %}{{ report.band|band_label }}`, `{% band_ranges %}`."""

from django import template

from reports import bands

register = template.Library()


@register.filter
def band_label(band: str) -> str:
    """Return the band's name for people."""
    return bands.band_label(band)


@register.simple_tag
def band_ranges() -> str:
    """Return the index ranges of the bands, from the engine's thresholds."""
    return bands.band_ranges()
