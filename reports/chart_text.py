"""Text from people and banks, made safe for the charts that draw it.

Plotly reads a little HTML in every label, legend name, hover text and title (`<a href>` makes
a link, `<b>` bold), and a hover template also substitutes `%{...}`. matplotlib reads `$...$` as
mathematics and fails on what it cannot parse. So the web charts pass such text through
`chart_text`, and the print charts draw with `text.parse_math` set to PRINT_PARSE_MATH.
"""

from __future__ import annotations

from html import escape
from typing import Final

__all__ = ["PRINT_PARSE_MATH", "chart_text"]

# matplotlib's `text.parse_math` for the print charts: '$' is a dollar sign, never mathtext.
PRINT_PARSE_MATH: Final = False


def chart_text(value: object) -> str:
    """Return value as Plotly shows it literally: its markup characters written as entities."""
    return escape(str(value), quote=False)
