"""The printed report's charts, written as small SVG documents.

The PDF needs its charts without a browser (Plotly's static export drives a Chromium, which a
fresh machine may not have) and within the report's time budget. The charts are simple – bars,
a radar, a heatmap, a scatter, a timeline – so they are drawn here as plain SVG: a few hundred
elements each, no plotting library, nothing for WeasyPrint to fetch. They show the same series
as the Plotly figures of the web page (`assessments.charts`), read from the same report content.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date, timedelta
from html import escape
from math import cos, pi, sin

from assessments.models import ActionItem
from assessments.report_content import (
    QUADRANT_COLOURS,
    QUADRANT_LABELS,
    STATUS_COLOURS,
    ReportContent,
    signed,
    spread_positions,
)

WIDTH = 504.0  # points: the A4 text width at the PDF's margins
INK = "#23395d"
MUTED = "#6c757d"
GRID = "#e3e7ec"
TARGET = "#9aa3ad"
SHORT = "#b02a37"
OVER = "#e0a800"
NO_DATA = "#d0d5db"
LOW, MID, HIGH = (176, 42, 55), (243, 227, 160), (47, 143, 91)


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _svg(height: float, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(WIDTH)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(WIDTH)} {_num(height)}" font-family="DejaVu Sans" font-size="8" '
        f'fill="#1d232b">{"".join(body)}</svg>'
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: float | None = None,
    fill: str | None = None,
    bold: bool = False,
) -> str:
    attrs = f'x="{_num(x)}" y="{_num(y)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size:
        attrs += f' font-size="{_num(size)}"'
    if fill:
        attrs += f' fill="{fill}"'
    if bold:
        attrs += ' font-weight="bold"'
    return f"<text {attrs}>{escape(text)}</text>"


def _line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    stroke: str = GRID,
    width: float = 0.6,
    dash: str | None = None,
) -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
        f'stroke="{stroke}" stroke-width="{_num(width)}"{extra}/>'
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, *, stroke: str | None = None) -> str:
    extra = f' stroke="{stroke}" stroke-width="1.5"' if stroke else ""
    return (
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0.0))}" '
        f'height="{_num(max(h, 0.0))}" fill="{fill}"{extra}/>'
    )


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _colour(value: float | None) -> str:
    """Return red (1) through pale yellow (3) to green (5) for a mean answer."""
    if value is None:
        return NO_DATA
    t = min(1.0, max(0.0, (value - 1) / 4))
    a, b, u = (LOW, MID, t * 2) if t < 0.5 else (MID, HIGH, t * 2 - 1)
    r, g, bl = (round(a[i] + (b[i] - a[i]) * u) for i in range(3))
    return f"#{r:02x}{g:02x}{bl:02x}"


def _legend(x: float, y: float, entries: Sequence[tuple[str, str]]) -> list[str]:
    body = []
    for colour, label in entries:
        body.append(_rect(x, y - 6.5, 8, 8, colour))
        body.append(_text(x + 11, y, label))
        x += 20 + 5.2 * len(label)
    return body


def radar_svg(content: ReportContent) -> str | None:
    """Return the radar of each dimension's mean answer against its mean target (1–5)."""
    rows = [d for d in content.dimensions if d.mean_current is not None]
    if len(rows) < 3:
        return None
    cx, cy, radius, height = 235.0, 128.0, 92.0, 256.0

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -pi / 2 + 2 * pi * i / len(rows)
        r = radius * (value - 1) / 4
        return cx + r * cos(angle), cy + r * sin(angle)

    body: list[str] = []
    for ring in (2, 3, 4, 5):
        ring_points = " ".join(
            f"{_num(x)},{_num(y)}" for x, y in (point(i, ring) for i in range(len(rows)))
        )
        body.append(
            f'<polygon points="{ring_points}" fill="none" stroke="{GRID}" stroke-width="0.6"/>'
        )
        body.append(
            _text(cx + 2, cy - radius * (ring - 1) / 4 - 1.5, str(ring), size=6.5, fill=MUTED)
        )
    for i, row in enumerate(rows):
        x, y = point(i, 5)
        body.append(_line(cx, cy, x, y))
        lx, ly = point(i, 5.9)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        ly += 3 if ly > cy else -2
        body.append(_text(lx, ly, row.title, anchor=anchor, bold=True))
        score = "no score" if row.score is None else f"score {row.score:.0f}"
        body.append(_text(lx, ly + 9, score, anchor=anchor, fill=MUTED))
    for values, stroke, fill, dash in (
        ([d.mean_target for d in rows], TARGET, "none", "4 3"),
        ([d.mean_current for d in rows], INK, INK, None),
    ):
        shape = " ".join(
            f"{_num(x)},{_num(y)}" for x, y in (point(i, v or 1) for i, v in enumerate(values))
        )
        extra = f' stroke-dasharray="{dash}"' if dash else ' fill-opacity="0.16"'
        body.append(
            f'<polygon points="{shape}" fill="{fill}" stroke="{stroke}" stroke-width="1.8"{extra}/>'
        )
    body.append(_line(360, 40, 380, 40, stroke=INK, width=1.8))
    body.append(_text(386, 43, "Current practice"))
    body.append(_line(360, 56, 380, 56, stroke=TARGET, width=1.8, dash="4 3"))
    body.append(_text(386, 59, "What the strategy needs"))
    body.append(_text(360, 78, "Rings: mean answer 2–5", fill=MUTED, size=7))
    return _svg(height, body)


def area_gap_svg(content: ReportContent) -> str:
    """Return bars of each area's mean answer minus mean target, per area."""
    areas = list(content.areas)
    gaps = [a.gap if a.score is not None and a.gap is not None else 0.0 for a in areas]
    low = min([*gaps, -1.0]) - 0.3
    high = max([*gaps, 0.5]) + 0.3
    left, right, top, row = 160.0, WIDTH - 30, 8.0, 14.0
    height = top + row * len(areas) + 30

    def x_of(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    body: list[str] = []
    tick = -2.0
    while tick <= high:
        if tick >= low:
            body.append(_line(x_of(tick), top, x_of(tick), top + row * len(areas)))
            body.append(
                _text(
                    x_of(tick),
                    top + row * len(areas) + 10,
                    f"{tick:+.1f}".replace("+0.0", "0"),
                    anchor="middle",
                    fill=MUTED,
                    size=7,
                )
            )
        tick += 0.5
    for i, (area, gap) in enumerate(zip(areas, gaps, strict=True)):
        y = top + i * row
        body.append(_text(left - 6, y + row / 2 + 3, _short(area.title, 32), anchor="end"))
        if area.score is None:
            body.append(
                _text(x_of(0) + 4, y + row / 2 + 3, "insufficient data", fill=MUTED, size=7)
            )
            continue
        x0, x1 = sorted((x_of(0), x_of(gap)))
        body.append(_rect(x0, y + 2.5, x1 - x0, row - 5, SHORT if gap < 0 else OVER))
        label_x = x1 + 3 if gap >= 0 else x0 - 3
        body.append(
            _text(
                label_x,
                y + row / 2 + 3,
                signed(gap),
                anchor="start" if gap >= 0 else "end",
                size=7,
            )
        )
    body.append(_line(x_of(0), top - 2, x_of(0), top + row * len(areas), stroke=INK, width=1))
    body.append(
        _text(
            (left + right) / 2,
            height - 4,
            "mean answer minus target (points on the 1–5 scale)",
            anchor="middle",
            fill=MUTED,
        )
    )
    return _svg(height, body)


def perception_svg(content: ReportContent) -> str | None:
    """Return the heatmap of mean answers per area and respondent group (None if hidden)."""
    perception = content.perception
    groups = perception.get("groups") or []
    if not perception.get("comparable") or len(groups) < 2:
        return None
    rows = perception["areas"]
    left, top, row, cell = 160.0, 26.0, 13.0, 92.0
    height = top + row * len(rows) + 26
    body: list[str] = []
    for j, group in enumerate(groups):
        x = left + j * cell + cell / 2
        body.append(_text(x, 10, group["label"], anchor="middle", bold=True))
        body.append(
            _text(
                x,
                20,
                f"{group['respondents']} respondent{'' if group['respondents'] == 1 else 's'}",
                anchor="middle",
                fill=MUTED,
                size=7,
            )
        )
    for i, area in enumerate(rows):
        y = top + i * row
        body.append(_text(left - 6, y + row / 2 + 3, _short(area["title"], 32), anchor="end"))
        for j, value in enumerate(area["values"]):
            x = left + j * cell
            body.append(_rect(x + 1, y + 0.5, cell - 2, row - 1, _colour(value)))
            body.append(
                _text(
                    x + cell / 2,
                    y + row / 2 + 3,
                    "–" if value is None else f"{value:.1f}",
                    anchor="middle",
                    size=7.5,
                )
            )
    lx = left + len(groups) * cell + 18
    body.append(_text(lx, top + 6, "mean answer", fill=MUTED, size=7))
    for k, value in enumerate((5, 4, 3, 2, 1)):
        y = top + 12 + k * 13
        body.append(_rect(lx, y, 12, 11, _colour(value)))
        body.append(_text(lx + 16, y + 8.5, str(value), size=7))
    return _svg(height, body)


def matrix_svg(content: ReportContent, plan_size: int) -> str | None:
    """Return the impact/feasibility matrix of the priorities, coloured by quadrant."""
    rows = list(content.priorities)
    if not rows:
        return None
    left, right, top, bottom, height = 44.0, WIDTH - 8, 8.0, 212.0, 250.0
    x_low, x_high = 0.08, 1.1
    y_high = max(p.uplift for p in rows) * 1.15 or 1.0

    def x_of(value: float) -> float:
        return left + (value - x_low) / (x_high - x_low) * (right - left)

    def y_of(value: float) -> float:
        return bottom - value / y_high * (bottom - top)

    body: list[str] = []
    for tick in (0.2, 0.4, 0.6, 0.8, 1.0):
        body.append(_line(x_of(tick), top, x_of(tick), bottom))
        body.append(
            _text(x_of(tick), bottom + 10, f"{tick:.1f}", anchor="middle", fill=MUTED, size=7)
        )
    step = max(0.1, round(y_high / 5, 1))
    tick = 0.0
    while tick <= y_high:
        body.append(_line(left, y_of(tick), right, y_of(tick)))
        body.append(
            _text(left - 4, y_of(tick) + 2.5, f"{tick:.1f}", anchor="end", fill=MUTED, size=7)
        )
        tick += step
    x_mid = x_of(statistics.median(p.feasibility for p in rows))
    y_mid = y_of(statistics.median(p.uplift for p in rows))
    body.append(_line(x_mid, top, x_mid, bottom, stroke=TARGET, width=0.8, dash="2 2"))
    body.append(_line(left, y_mid, right, y_mid, stroke=TARGET, width=0.8, dash="2 2"))
    xs = spread_positions([p.feasibility for p in rows], [p.question for p in rows])
    labels = []
    for x, p in sorted(zip(xs, rows, strict=True), key=lambda pair: -pair[1].rank):
        in_plan = p.rank <= plan_size
        colour = QUADRANT_COLOURS[p.quadrant]
        body.append(
            f'<circle cx="{_num(x_of(x))}" cy="{_num(y_of(p.uplift))}" r="{4.2 if in_plan else 2}" '
            f'fill="{colour}" stroke="white" stroke-width="0.6"/>'
        )
        if in_plan:
            labels.append(
                _text(x_of(x), y_of(p.uplift) - 6, str(p.rank), anchor="middle", size=7, bold=True)
            )
    body.extend(labels)
    for x, y, text, anchor in (
        (right - 3, top + 10, "Quick wins", "end"),
        (left + 3, top + 10, "Major projects", "start"),
        (right - 3, bottom - 4, "Fill-ins", "end"),
        (left + 3, bottom - 4, "Thankless tasks", "start"),
    ):
        body.append(_text(x, y, text, anchor=anchor, fill=MUTED))
    body.append(_line(left, bottom, right, bottom, stroke=MUTED, width=0.8))
    body.append(_line(left, top, left, bottom, stroke=MUTED, width=0.8))
    body.append(
        _text(
            (left + right) / 2,
            bottom + 21,
            "feasibility (1 = trivial, 0.2 = major project)",
            anchor="middle",
            fill=MUTED,
        )
    )
    body.append(
        f'<text x="10" y="{_num((top + bottom) / 2)}" text-anchor="middle" fill="{MUTED}" '
        f'transform="rotate(-90 10 {_num((top + bottom) / 2)})">index points if brought to target</text>'
    )
    body.extend(
        _legend(
            left + 60,
            height - 4,
            [(QUADRANT_COLOURS[q], label) for q, label in QUADRANT_LABELS.items()],
        )
    )
    return _svg(height, body)


def fit_svg(content: ReportContent) -> str:
    """Return the alignment index under each value discipline, the declared one marked."""
    rows = list(content.fit)
    top, bottom, height = 14.0, 120.0, 150.0
    left, right = 60.0, WIDTH - 60
    slot = (right - left) / max(1, len(rows))
    body: list[str] = []
    for tick in (0, 25, 50, 75, 100):
        y = bottom - tick / 100 * (bottom - top)
        body.append(_line(left, y, right, y))
        body.append(_text(left - 4, y + 2.5, str(tick), anchor="end", fill=MUTED, size=7))
    for i, row in enumerate(rows):
        value = row.index or 0.0
        x = left + i * slot + slot * 0.2
        y = bottom - value / 100 * (bottom - top)
        body.append(
            _rect(
                x,
                y,
                slot * 0.6,
                bottom - y,
                INK if row.declared else "#8fa3c0",
                stroke=SHORT if row.best and not row.declared else None,
            )
        )
        label = ("–" if row.index is None else f"{row.index:.0f}") + (
            "  best fit" if row.best else ""
        )
        body.append(_text(x + slot * 0.3, y - 4, label, anchor="middle", bold=row.best))
        body.append(_text(x + slot * 0.3, bottom + 11, row.label, anchor="middle"))
        if row.declared:
            body.append(
                _text(x + slot * 0.3, bottom + 21, "(declared)", anchor="middle", fill=MUTED)
            )
    body.append(_line(left, bottom, right, bottom, stroke=MUTED, width=0.8))
    return _svg(height, body)


def _months(start: date, end: date) -> list[date]:
    month = date(start.year, start.month, 1)
    found = []
    while month <= end:
        if month >= start:
            found.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return found


def gantt_svg(plan: Sequence[ActionItem], *, today: date | None = None) -> str | None:
    """Return the timeline of the action plan: one bar per item from start to due, by status."""
    items = list(plan)
    if not items:
        return None
    first = min(item.start for item in items)
    last = max(item.due for item in items) + timedelta(days=7)
    left, right, top, row = 190.0, WIDTH - 8, 6.0, 15.0
    height = top + row * len(items) + 34
    span = max(1, (last - first).days)

    def x_of(day: date) -> float:
        return left + (day - first).days / span * (right - left)

    body: list[str] = []
    for month in _months(first, last):
        body.append(_line(x_of(month), top, x_of(month), top + row * len(items)))
        body.append(
            _text(
                x_of(month) + 2, top + row * len(items) + 10, f"{month:%b %y}", fill=MUTED, size=6.5
            )
        )
    for i, item in enumerate(items):
        y = top + i * row
        body.append(
            _text(left - 6, y + row / 2 + 3, _short(f"{i + 1}. {item.title}", 40), anchor="end")
        )
        body.append(
            _rect(
                x_of(item.start),
                y + 2.5,
                x_of(item.due) - x_of(item.start),
                row - 5,
                STATUS_COLOURS.get(item.status, TARGET),
            )
        )
    if today is not None and first <= today <= last:
        body.append(
            _line(
                x_of(today),
                top - 2,
                x_of(today),
                top + row * len(items),
                stroke=INK,
                width=0.8,
                dash="2 2",
            )
        )
    body.extend(
        _legend(
            left, height - 4, [(STATUS_COLOURS[s], label) for s, label in ActionItem.Status.choices]
        )
    )
    return _svg(height, body)
