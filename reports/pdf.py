"""The printable report: WeasyPrint with matplotlib charts, and no network access.

Print charts come from `reports.print_charts` (matplotlib) rather than Plotly's static
export, which needs a Chrome or Chromium that a fresh machine may not have. The PDF renderer may
read only the app's own static files and data: URLs.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone

from reports import print_charts
from reports.content import ReportContent

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "reports/pdf/report.html"
# The origin the PDF's HTML is rendered under. It never resolves: the fetcher below answers
# for it from the static files on disk and refuses every other URL.
PDF_ORIGIN = "https://resonance.invalid/"


# --- Charts ------------------------------------------------------------------------------------


def print_figures(content: ReportContent) -> dict[str, str | None]:
    """Return every chart of the printed report as an SVG data URI (None when not shown)."""
    return {
        "radar": print_charts.radar_svg(content),
        "areas": print_charts.area_gap_svg(content),
        "perception": print_charts.perception_svg(content),
        "matrix": print_charts.matrix_svg(content, plan_size=len(content.plan)),
        "fit": print_charts.fit_svg(content),
        "gantt": print_charts.gantt_svg(content.plan, today=timezone.localdate()),
    }


# --- Rendering ---------------------------------------------------------------------------------

PANGO_HINT = (
    "WeasyPrint, the PDF engine, needs the Pango text library of the operating system "
    "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
)


@functools.cache
def pdf_engine_problem() -> str | None:
    """Return why PDFs cannot be made on this machine, or None when they can."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # a missing system library, not a bug
        return f"{PANGO_HINT} ({exc})"
    return None


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

    class StaticOnlyFetcher(URLFetcher):
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
    """Return the HTML of the printed report, charts embedded as SVG data URIs.

    The KPI panels show the readings stored when the PDF is made (a rebuild brings them up to
    date); items not saved yet have none.
    """
    from reports.kpi_panels import kpi_panels

    return render_to_string(
        # An optional setting (the worker tests set it), so the stubs cannot know its type.
        template or cast(str, getattr(settings, "REPORT_PDF_TEMPLATE", PDF_TEMPLATE)),
        {
            "content": content,
            "figures": print_figures(content),
            "kpis": kpi_panels(content.plan, print_charts=True),
            "print": True,
            "generated_at": timezone.localtime(),
            "today": timezone.localdate(),
        },
    )


def report_pdf(content: ReportContent, *, template: str | None = None) -> bytes:
    """Return the printed report as PDF bytes: A4, page numbers, organization and cycle in the header."""
    return html_to_pdf(report_pdf_html(content, template=template))
