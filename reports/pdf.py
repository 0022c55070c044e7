"""The printable report: WeasyPrint with matplotlib charts, and no network access.

Print charts come from `reports.print_charts` (matplotlib) rather than Plotly's static
export, which needs a Chrome or Chromium that a fresh machine may not have. The PDF renderer may
read only the app's own static files and data: URLs.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import re
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from reports import pdf_cycles, pdf_deflate, print_charts, svg_text
from reports.content import ReportContent

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "reports/pdf/report.html"
# The origin the PDF's HTML is rendered under. It never resolves: the fetcher below answers
# for it from the static files on disk and refuses every other URL.
PDF_ORIGIN = "https://resonance.invalid/"
# Every PDF is tagged (WeasyPrint's PDF/UA-1 variant: structure tags, language, title).
PDF_VARIANT = "pdf/ua-1"


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


PRINT_STYLESHEET = "css/report_print.css"
_per_thread = threading.local()


def _print_resources() -> tuple[Any, Any]:
    """Return the printed report's stylesheet, parsed, and a font configuration for it.

    Both are the same for every report: made once per thread and reused, so a worker neither
    parses the stylesheet nor starts a fresh font map (every face and size loaded again) for
    each report. Per thread, because Pango's font map is not meant to be shared across threads.
    The stylesheet has no @font-face, so the font configuration never grows. A changed
    stylesheet takes effect when the worker restarts.
    """
    resources = getattr(_per_thread, "resources", None)
    if resources is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        found = finders.find(PRINT_STYLESHEET)
        if not isinstance(found, str):
            raise FileNotFoundError(f"the static file {PRINT_STYLESHEET} is missing")
        font_config = FontConfiguration()
        stylesheet = CSS(
            string=Path(found).read_text(encoding="utf-8"),
            base_url=_static_prefix() + PRINT_STYLESHEET,
            url_fetcher=static_only_fetcher(),
            font_config=font_config,
        )
        resources = _per_thread.resources = (stylesheet, font_config)
    return resources


def html_to_pdf(html: str, *, fetcher: Any | None = None, report_style: bool = False) -> bytes:
    """Render HTML to PDF bytes with the static-only fetcher.

    `report_style` applies the printed report's own stylesheet (see `_print_resources`).
    """
    from weasyprint import HTML

    svg_text.install()
    pdf_deflate.install()
    # Tagged for assistive technology (PDF/UA-1): a structure tree of headings, paragraphs,
    # tables and figures with their alt text, the document's language from <html lang> and its
    # <title> shown as the window title.
    options: dict[str, Any] = {"pdf_variant": PDF_VARIANT}
    font_config = None
    if report_style:
        stylesheet, font_config = _print_resources()
        options["stylesheets"] = [stylesheet]
    # HTML.write_pdf in two steps, to hold the document and free it by reference counting.
    document = HTML(
        string=html, base_url=PDF_ORIGIN, url_fetcher=fetcher or static_only_fetcher()
    ).render(font_config=font_config, **options)
    try:
        pdf: bytes = document.write_pdf(**options)
    finally:
        pdf_cycles.release(document)
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
            "page_counter": page_counter_css(),
        },
    )


def page_counter_css() -> str:
    """Return the CSS `content` value of the page footer ("Page 2 of 9") in the active language."""
    # Translators: the PDF's page footer; keep both placeholders.
    text = gettext("Page %(page)s of %(pages)s")
    parts = [
        part.replace("\\", "").replace('"', "") for part in re.split(r"%\((page|pages)\)s", text)
    ]
    # re.split keeps the names: [text, "page", text, "pages", text].
    return " ".join(
        f"counter({part})" if n % 2 else f'"{part}"' for n, part in enumerate(parts) if part
    )


def report_pdf(
    content: ReportContent,
    *,
    template: str | None = None,
    measure: Callable[[str], AbstractContextManager[object]] | None = None,
) -> bytes:
    """Return the printed report as PDF bytes: A4, page numbers, organization and cycle in the header.

    `measure(step)`, when given, times the two steps: "pdf_html" (the print charts and the
    template) and "pdf_render" (WeasyPrint).
    """
    step = measure or (lambda name: nullcontext())
    with step("pdf_html"):
        html = report_pdf_html(content, template=template)
    with step("pdf_render"):
        return html_to_pdf(html, report_style=True)
