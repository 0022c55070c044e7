"""The printable report: matplotlib charts as SVG and WeasyPrint, with no network access.

Print charts are drawn with matplotlib rather than exported from Plotly: Plotly's static export
needs a Chrome or Chromium, which a fresh machine may not have, while matplotlib writes SVG on
its own. The PDF renderer may read only the app's own static files and data: URLs.
"""

from __future__ import annotations

import base64
import io
import logging
import mimetypes
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.models import ActionItem
from assessments.report_content import (
    QUADRANT_COLOURS,
    QUADRANT_LABELS,
    STATUS_COLOURS,
    ReportContent,
    spread_positions,
)

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "reports/pdf/report.html"
# The origin the PDF's HTML is rendered under. It never resolves: the fetcher below answers
# for it from the static files on disk and refuses every other URL.
PDF_ORIGIN = "https://resonance.invalid/"
INK = "#23395d"
TARGET = "#9aa3ad"
SHORT = "#b02a37"
OVER = "#e0a800"
WIDTH_IN = 7.0  # the A4 text width at the PDF's margins
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.edgecolor": "#adb5bd",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",  # text stays text: smaller files, selectable in the PDF
    "svg.hashsalt": "resonance",  # stable ids, so equal charts give equal files
}


# --- Charts ------------------------------------------------------------------------------------


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    encoded = base64.b64encode(buffer.getvalue().encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"


def _figure(height: float, **kwargs: Any) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height), **kwargs)


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def radar_svg(content: ReportContent) -> str | None:
    """Return the radar of mean answer against mean target per dimension, as an SVG data URI."""
    import numpy as np

    rows = [d for d in content.dimensions if d.mean_current is not None]
    if len(rows) < 3:
        return None
    fig = _figure(3.3)
    ax = fig.add_subplot(projection="polar")
    angles = np.linspace(0, 2 * np.pi, len(rows), endpoint=False).tolist()
    angles.append(angles[0])
    current = [d.mean_current for d in rows] + [rows[0].mean_current]
    target = [d.mean_target for d in rows] + [rows[0].mean_target]
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.plot(
        angles, target, color=TARGET, linestyle="--", linewidth=1.5, label="What the strategy needs"
    )
    ax.plot(angles, current, color=INK, linewidth=2, label="Current practice")
    ax.fill(angles, current, color=INK, alpha=0.15)
    ax.set_xticks(
        angles[:-1], [f"{d.title}\n{d.score:.0f}" if d.score is not None else d.title for d in rows]
    )
    ax.set_ylim(1, 5)
    ax.set_yticks([2, 3, 4, 5])
    ax.tick_params(axis="y", labelsize=7, colors="#6c757d")
    ax.grid(color="#dee2e6", linewidth=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.05, 1.0), frameon=False)
    return _svg(fig)


def area_gap_svg(content: ReportContent) -> str:
    """Return bars of mean answer minus mean target per area, as an SVG data URI."""
    areas = list(reversed(content.areas))
    fig = _figure(0.22 * len(areas) + 0.8)
    ax = fig.add_subplot()
    gaps = [a.gap if a.score is not None and a.gap is not None else 0.0 for a in areas]
    colours = [
        "#d0d5db" if a.score is None else (SHORT if g < 0 else OVER)
        for a, g in zip(areas, gaps, strict=True)
    ]
    ax.barh(range(len(areas)), gaps, color=colours, height=0.65)
    ax.set_yticks(range(len(areas)), [_short(a.title) for a in areas])
    ax.axvline(0, color=INK, linewidth=1)
    low, high = min([*gaps, -1.0]), max([*gaps, 0.5])
    ax.set_xlim(low - 0.6, high + 0.6)
    for y, (area, gap) in enumerate(zip(areas, gaps, strict=True)):
        label = "no data" if area.score is None else f"{gap:+.1f}"
        ax.text(
            gap + (0.05 if gap >= 0 else -0.05),
            y,
            label,
            va="center",
            ha="left" if gap >= 0 else "right",
            fontsize=7,
        )
    ax.set_xlabel("mean answer minus target (points on the 1–5 scale)")
    ax.grid(axis="x", color="#eceff3", linewidth=0.6)
    ax.set_axisbelow(True)
    return _svg(fig)


def perception_svg(content: ReportContent) -> str | None:
    """Return the heatmap of mean answers per area and respondent group, or None if hidden."""
    from matplotlib.colors import LinearSegmentedColormap

    perception = content.perception
    groups = perception.get("groups") or []
    if not perception.get("comparable") or len(groups) < 2:
        return None
    rows = perception["areas"]
    cmap = LinearSegmentedColormap.from_list("gap", ["#b02a37", "#f3e3a0", "#2f8f5b"])
    fig = _figure(0.2 * len(rows) + 0.9)
    ax = fig.add_subplot()
    values = [[v if v is not None else float("nan") for v in row["values"]] for row in rows]
    image = ax.imshow(values, cmap=cmap, vmin=1, vmax=5, aspect="auto")
    ax.set_xticks(range(len(groups)), [f"{g['label']} ({g['respondents']})" for g in groups])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), [_short(row["title"]) for row in rows])
    for y, row in enumerate(rows):
        for x, value in enumerate(row["values"]):
            ax.text(
                x, y, "–" if value is None else f"{value:.1f}", ha="center", va="center", fontsize=7
            )
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="mean answer")
    return _svg(fig)


def matrix_svg(content: ReportContent, plan_size: int) -> str | None:
    """Return the impact/feasibility matrix of the priorities, as an SVG data URI."""
    rows = list(content.priorities)
    if not rows:
        return None
    fig = _figure(3.4)
    ax = fig.add_subplot()
    xs = spread_positions([p.feasibility for p in rows], [p.question for p in rows])
    ax.scatter(
        xs,
        [p.uplift for p in rows],
        s=[46 if p.rank <= plan_size else 14 for p in rows],
        c=[QUADRANT_COLOURS[p.quadrant] for p in rows],
        edgecolors="white",
        linewidths=0.5,
        zorder=3,
    )
    for x, p in zip(xs, rows, strict=True):
        if p.rank <= plan_size:
            ax.annotate(
                str(p.rank),
                (x, p.uplift),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=7,
                zorder=4,
            )
    ax.axvline(statistics.median(p.feasibility for p in rows), color="#adb5bd", linestyle=":")
    ax.axhline(statistics.median(p.uplift for p in rows), color="#adb5bd", linestyle=":")
    top = max(p.uplift for p in rows) * 1.15 or 1.0
    ax.set_xlim(0.08, 1.1)
    ax.set_ylim(0, top)
    for x, y, text, ha, va in (
        (0.99, 0.98, "Quick wins", "right", "top"),
        (0.01, 0.98, "Major projects", "left", "top"),
        (0.99, 0.02, "Fill-ins", "right", "bottom"),
        (0.01, 0.02, "Thankless tasks", "left", "bottom"),
    ):
        ax.text(
            x,
            y,
            text,
            ha=ha,
            va=va,
            color="#6c757d",
            fontsize=8,
            transform=ax.transAxes,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            zorder=5,
        )
    handles = [
        ax.scatter([], [], color=QUADRANT_COLOURS[q], label=label)
        for q, label in QUADRANT_LABELS.items()
    ]
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4, frameon=False
    )
    ax.set_xlabel("feasibility (1 = trivial, 0.2 = major project)")
    ax.set_ylabel("index points if brought to target")
    ax.grid(color="#eceff3", linewidth=0.6)
    ax.set_axisbelow(True)
    return _svg(fig)


def fit_svg(content: ReportContent) -> str:
    """Return the alignment index under each value discipline, as an SVG data URI."""
    rows = list(content.fit)
    fig = _figure(2.3)
    ax = fig.add_subplot()
    values = [row.index or 0.0 for row in rows]
    bars = ax.bar(
        range(len(rows)),
        values,
        color=[INK if row.declared else "#8fa3c0" for row in rows],
        edgecolor=[SHORT if row.best and not row.declared else "none" for row in rows],
        linewidth=2,
        width=0.6,
    )
    for bar, row in zip(bars, rows, strict=True):
        label = ("–" if row.index is None else f"{row.index:.0f}") + (
            "  best fit" if row.best else ""
        )
        ax.text(
            bar.get_x() + bar.get_width() / 2, bar.get_height() + 2, label, ha="center", fontsize=8
        )
    ax.set_xticks(
        range(len(rows)), [row.label + ("\n(declared)" if row.declared else "") for row in rows]
    )
    ax.set_ylim(0, 110)
    ax.set_ylabel("alignment index")
    ax.grid(axis="y", color="#eceff3", linewidth=0.6)
    ax.set_axisbelow(True)
    return _svg(fig)


def gantt_svg(plan: Sequence[ActionItem]) -> str | None:
    """Return the timeline of the action plan, as an SVG data URI."""
    from matplotlib import dates as mdates
    from matplotlib.patches import Patch

    items = list(plan)
    if not items:
        return None
    fig = _figure(0.3 * len(items) + 0.9)
    ax = fig.add_subplot()
    for y, item in enumerate(items):
        start = mdates.date2num(item.start)
        ax.barh(
            y,
            max(1, (item.due - item.start).days),
            left=start,
            height=0.6,
            color=STATUS_COLOURS.get(item.status, TARGET),
        )
    ax.set_yticks(
        range(len(items)), [f"{i + 1}. {_short(it.title, 44)}" for i, it in enumerate(items)]
    )
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(axis="x", color="#eceff3", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(
        handles=[
            Patch(color=STATUS_COLOURS[s], label=label) for s, label in ActionItem.Status.choices
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=3,
        frameon=False,
    )
    return _svg(fig)


def print_figures(content: ReportContent) -> dict[str, str | None]:
    """Return every chart of the printed report as an SVG data URI (None when not shown)."""
    import matplotlib

    with matplotlib.rc_context(RC):
        return {
            "radar": radar_svg(content),
            "areas": area_gap_svg(content),
            "perception": perception_svg(content),
            "matrix": matrix_svg(content, plan_size=len(content.plan)),
            "fit": fit_svg(content),
            "gantt": gantt_svg(content.plan),
        }


# --- Rendering ---------------------------------------------------------------------------------


def _static_prefix() -> str:
    static_url = str(settings.STATIC_URL)
    if urlsplit(static_url).scheme:
        return static_url
    return PDF_ORIGIN + static_url.lstrip("/")


def static_only_fetcher() -> Any:
    """Return a WeasyPrint URL fetcher that serves the app's static files and data: URLs only.

    Nothing is ever fetched over a network, so there are no redirects to follow either; every
    other URL is refused and listed in the fetcher's `refused`.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if url.startswith("data:"):
                # Decoded in memory: urllib's data: handler never touches a network.
                response = DataHandler().data_open(Request(url))  # noqa: S310
                return URLFetcherResponse(url, response.read(), dict(response.headers))
            prefix = _static_prefix()
            if url.startswith(prefix):
                path = unquote(urlsplit(url[len(prefix) :]).path)
                try:
                    found = finders.find(path) if path else None
                except SuspiciousFileOperation:
                    found = None
                if isinstance(found, str):
                    mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    self.served.append(url)
                    return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime})
            self.refused.append(url)
            logger.warning("PDF rendering refused to fetch %s", url)
            raise ValueError(f"the PDF may not load {url}")

    return StaticOnlyFetcher()


def html_to_pdf(html: str, *, fetcher: Any | None = None) -> bytes:
    """Render HTML to PDF bytes with the static-only fetcher."""
    from weasyprint import HTML

    pdf: bytes = HTML(
        string=html, base_url=PDF_ORIGIN, url_fetcher=fetcher or static_only_fetcher()
    ).write_pdf()
    return pdf


def report_pdf_html(content: ReportContent, *, template: str | None = None) -> str:
    """Return the HTML of the printed report, charts embedded as SVG data URIs."""
    return render_to_string(
        template or getattr(settings, "REPORT_PDF_TEMPLATE", PDF_TEMPLATE),
        {
            "content": content,
            "figures": print_figures(content),
            "print": True,
            "generated_at": timezone.localtime(),
            "today": timezone.localdate(),
        },
    )


def report_pdf(content: ReportContent, *, template: str | None = None) -> bytes:
    """Return the printed report as PDF bytes: A4, page numbers, organization and cycle in the header."""
    return html_to_pdf(report_pdf_html(content, template=template))
