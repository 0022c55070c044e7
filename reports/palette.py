"""The report's colours, defined once for the web charts, the print charts and the dashboards.

`reports.charts` (Plotly, the report page), `reports.print_charts` (matplotlib, the PDF) and the
consultants' client dashboard all draw with these. The stylesheets cannot import Python: the band,
quadrant, severity and status classes in static/css/report.css, report_print.css and
resonance.css repeat the same values, so change them together.
"""

from __future__ import annotations

from typing import Final

INK: Final = "#23395d"  # current practice, the alignment index, the declared discipline
INK_FILL: Final = "rgba(35,57,93,0.18)"  # INK under a filled area
TEXT: Final = "#1d232b"
MUTED: Final = "#6c757d"  # axis labels, notes
GRID: Final = "#e3e7ec"
GUIDE: Final = "#adb5bd"  # median lines that split a chart into quadrants
TARGET: Final = "#9aa3ad"  # what the strategy needs
SHORT: Final = "#b02a37"  # practice short of the target
OVER: Final = "#e0a800"  # practice beyond the target
OTHER_DISCIPLINE: Final = "#8fa3c0"  # value disciplines the owner did not declare
NO_DATA: Final = "#d0d5db"
# Mean answer 1 → 3 → 5, for heatmaps.
SCALE: Final = ("#b02a37", "#f3e3a0", "#287f51")

QUADRANT_COLOURS: Final = {
    "quick_win": "#287f51",
    "major_project": "#1f6f8b",
    "fill_in": "#e0a800",
    "thankless": "#6c757d",
}
STATUS_COLOURS: Final = {"todo": "#6c757d", "in_progress": "#1f6f8b", "done": "#287f51"}
# One line per dimension on trend charts, in bank order; repeats after six.
DIMENSION_COLOURS: Final = ("#2a9d8f", "#e76f51", "#8d6cab", "#e9c46a", "#457b9d", "#6a994e")

# The web charts' type: the page's own system font stack.
WEB_FONT: Final = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}
