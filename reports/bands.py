"""What the engine's bands are called on the site, in one place.

The engine decides the band (`scoring.band_for`, thresholds in `scoring.constants`); this module
only names the band codes for people. Reports, the portfolio, the client dashboard, the exports
and the templates (through the `bands` template library) all read their labels from here.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scoring.constants import BAND_ALIGNED, BAND_PARTIAL, BAND_RESONANT, BANDS

INSUFFICIENT_DATA = "insufficient_data"

BAND_LABELS: dict[str, Promise] = {
    "misaligned": _("Misaligned"),
    "partially_aligned": _("Partially aligned"),
    "aligned": _("Aligned"),
    "resonant": _("Resonant"),
    INSUFFICIENT_DATA: _("Insufficient data"),
}
# The band's name inside a sentence ("…which puts it in the “partially aligned” band"); a
# language that capitalises nouns keeps its capitals here.
BAND_LABELS_IN_SENTENCE: dict[str, Promise] = {
    "misaligned": pgettext_lazy("band name inside a sentence", "misaligned"),
    "partially_aligned": pgettext_lazy("band name inside a sentence", "partially aligned"),
    "aligned": pgettext_lazy("band name inside a sentence", "aligned"),
    "resonant": pgettext_lazy("band name inside a sentence", "resonant"),
    INSUFFICIENT_DATA: pgettext_lazy("band name inside a sentence", "insufficient data"),
}
BAND_MEANINGS: dict[str, Promise] = {
    "misaligned": _(
        "much of the day-to-day work falls well short of what the declared strategy needs"
    ),
    "partially_aligned": _(
        "the business supports its strategy in places but still falls short of what it needs in "
        "others"
    ),
    "aligned": _("most of the business works as the strategy needs, with a few clear gaps"),
    "resonant": _("the business works as its strategy needs, almost everywhere"),
    INSUFFICIENT_DATA: _("too few questions were answered to compute a score"),
}

if any(set(names) != set(BANDS) for names in (BAND_LABELS, BAND_LABELS_IN_SENTENCE, BAND_MEANINGS)):
    # A band the engine gained (or lost) would otherwise show its bare code on every page.
    raise ImproperlyConfigured(f"reports.bands must name exactly the engine's bands: {BANDS}")


def band_label(band: str) -> str:
    """Return the band's name for people ("Partially aligned"); an unknown code as it is."""
    return str(BAND_LABELS.get(band, band))


def band_label_in_sentence(band: str) -> str:
    """Return the band's name as written inside a sentence ("partially aligned" in English)."""
    return str(BAND_LABELS_IN_SENTENCE.get(band, band))


def band_meaning(band: str) -> str:
    """Return what the band says about the business, as a clause to follow a colon."""
    meaning = BAND_MEANINGS.get(band)
    return "" if meaning is None else str(meaning)


def band_ranges() -> str:
    """Return the index ranges of the bands, from the engine's own thresholds."""
    partial, aligned, resonant = (round(v) for v in (BAND_PARTIAL, BAND_ALIGNED, BAND_RESONANT))
    return _(
        "under %(partial)s misaligned, %(partial)s–%(aligned_less)s partially aligned, "
        "%(aligned)s–%(resonant_less)s aligned, %(resonant)s and above resonant"
    ) % {
        "partial": partial,
        "aligned_less": aligned - 1,
        "aligned": aligned,
        "resonant_less": resonant - 1,
        "resonant": resonant,
    }
