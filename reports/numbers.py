"""One aggregation and one rounding rule for every number a person reads.

The page, the PDF, the CSV/XLSX exports and the API's shown figures all come through here, so
the same area never reads 1.5 in a chart and 1.8 in a table, and a change is always the
difference of the two values shown beside it ("78 → 82, +4").

- Scores on 0..100 (index, dimension, area) are shown in whole points.
- Means of answers on the 1..5 scale are shown with one decimal.
- Halves round away from zero, as Django's `floatformat` does (Python's `round` would send
  72.5 to 72 while the template shows 73).
- A change between two scores is the difference of the two shown (rounded) scores.
- The team's view of a question is the mean of the manager and staff level means present, as
  the engine aggregates every current (DESIGN.md §6); an area's owner and team values are
  means over the questions both sides answered, exactly the perception gap's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import overload

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, parse_pattern
from babel.numbers import format_percent as babel_format_percent
from django.conf import settings
from django.utils.formats import get_format
from django.utils.translation import get_language, to_locale

LevelMeans = Sequence[float | None]  # owner, manager, staff


def _half_up(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@overload
def points(value: float) -> int: ...
@overload
def points(value: None) -> None: ...
def points(value: float | None) -> int | None:
    """Return a 0..100 score in the whole points shown."""
    if value is None:
        return None
    return int(_half_up(value, 0))


def points_change(before: float | None, after: float | None) -> int | None:
    """Return the change between two scores as the difference of their shown points."""
    shown_before, shown_after = points(before), points(after)
    if shown_before is None or shown_after is None:
        return None
    return shown_after - shown_before


def signed_points(change: int | None) -> str:
    """Return a change in whole points with its sign, e.g. "+4", "−2", "±0"."""
    if change is None:
        return "–"
    if change == 0:
        return "±0"
    return f"+{change}" if change > 0 else f"−{abs(change)}"


def decimal_text(value: float, places: int = 1, *, sign: bool = False) -> str:
    """Return a number with `places` decimals in the active language: "3.5" in English, "3,5" in
    German. The rounding is Python's format's, as before; only the separator follows the language.
    With `sign`, a plus sign leads positive values ("+1.2")."""
    text = f"{value:+.{places}f}" if sign else f"{value:.{places}f}"
    separator = str(get_format("DECIMAL_SEPARATOR"))
    return text.replace(".", separator) if separator != "." else text


def short_number(value: float) -> str:
    """Return a number in its shortest form ("5", "2.5"), in the active language's decimals."""
    text = f"{value:g}"
    separator = str(get_format("DECIMAL_SEPARATOR"))
    return text.replace(".", separator) if separator != "." else text


def _babel_locale() -> str:
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def percent_text(value: float, places: int = 0) -> str:
    """Return a 0..100 share as the active language writes a percentage: "72%" in English, "72 %"
    (with a no-break space) in German and French."""
    share = float(_half_up(value, places)) / 100
    locale = _babel_locale()
    try:
        if not places:
            return str(babel_format_percent(share, locale=locale))
        pattern = parse_pattern(Locale.parse(locale).percent_formats[None].pattern)
        pattern.frac_prec = (places, places)
        return str(pattern.apply(share, Locale.parse(locale)))
    except (ValueError, UnknownLocaleError, NumberFormatError):  # an unknown locale: the plain form
        return f"{value:.{places}f}%"


@overload
def scale_mean(value: float) -> float: ...
@overload
def scale_mean(value: None) -> None: ...
def scale_mean(value: float | None) -> float | None:
    """Return a mean answer on the 1..5 scale with the one decimal shown."""
    if value is None:
        return None
    return float(_half_up(value, 1))


def team_mean(manager: float | None, staff: float | None) -> float | None:
    """Return the team's view of one question: the mean of the level means present."""
    present = [v for v in (manager, staff) if v is not None]
    return sum(present) / len(present) if present else None


@dataclass(frozen=True, slots=True)
class AreaViews:
    """One area's mean answer per side: owner, team (managers and staff) and each level."""

    owner: float | None
    team: float | None
    manager: float | None
    staff: float | None

    @property
    def gap(self) -> float | None:
        if self.owner is None or self.team is None:
            return None
        return self.owner - self.team


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def area_views(question_levels: Iterable[LevelMeans]) -> AreaViews:
    """Return the owner, team, manager and staff means of one area from its questions' levels.

    Where the owner and the team both answered some questions, every value is taken over those
    questions only, the set the perception gap compares; otherwise each side over what it
    answered.
    """
    rows = [(o, m, s, team_mean(m, s)) for o, m, s in question_levels]
    shared = [row for row in rows if row[0] is not None and row[3] is not None]
    basis = shared or rows
    return AreaViews(
        owner=_mean(row[0] for row in basis),
        team=_mean(row[3] for row in basis),
        manager=_mean(row[1] for row in basis),
        staff=_mean(row[2] for row in basis),
    )
