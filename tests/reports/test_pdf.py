"""The PDF: A4 with header and page numbers, the charts inside, and no URL fetched outside."""

import base64
import dataclasses
import os
import re
import shutil
import socket
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.template import engines

from banks.services import bank_to_engine
from reports import pdf, print_charts
from reports.content import report_content

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdfinfo) not installed"
)


@pytest.fixture
def pdf_file(built_report, tmp_path):
    path = tmp_path / "report.pdf"
    with built_report.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    return path


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens a network connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _text(path, *pages: int) -> str:
    args = [shutil.which("pdftotext") or "pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(  # noqa: S603
        [*args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@needs_poppler
def test_pdf_is_a4_with_header_and_page_numbers(pdf_file):
    command = [shutil.which("pdfinfo") or "pdfinfo", str(pdf_file)]
    info = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    assert "A4" in info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 5
    second = _text(pdf_file, 2)
    assert "Crumb & Co · cycle 2026-Q4" in second
    assert f"Page 2 of {pages}" in second


def _pdf_objects(raw: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated (the catalog sits in one)."""
    parts = [raw]
    for found in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.DOTALL):
        try:
            parts.append(zlib.decompress(found.group(1)))
        except zlib.error:
            continue  # an image or a font, not objects
    return b"\n".join(parts)


@needs_poppler
def test_pdf_is_tagged_with_its_language_and_title(pdf_file):
    """PDF/UA-1: a structure tree for assistive technology, the document's language, a title."""
    command = [shutil.which("pdfinfo") or "pdfinfo", str(pdf_file)]
    info = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    fields = {key: value.strip() for key, value in re.findall(r"^([^:]+):(.*)$", info, re.M)}
    assert fields["Tagged"] == "yes"
    assert fields["Title"].startswith("Strategic alignment report")
    tree = subprocess.run(  # noqa: S603
        [*command[:1], "-struct", str(pdf_file)], check=True, capture_output=True, text=True
    ).stdout
    for tag in ("H1", "H2", "P", "Table", "TH", "Figure"):
        assert re.search(rf"^\s*{tag}\b", tree, re.M), tag
    catalog = _pdf_objects(pdf_file.read_bytes())
    assert b"/StructTreeRoot" in catalog
    assert b"/MarkInfo <</Marked true>>" in catalog
    assert re.search(rb"/Lang \((en|de|fr|es)[^)]*\)", catalog)
    assert b"/DisplayDocTitle true" in catalog
    assert b'pdfuaid:part="1"' in catalog  # the XMP metadata declares PDF/UA-1


@needs_poppler
def test_pdf_holds_every_section_and_the_charts(pdf_file, built_report):
    text = _text(pdf_file)
    for heading in (
        "Executive summary",
        "Where practice meets the strategy",
        "Gaps per area",
        "Which strategy do your operations serve?",
        "How owner and team see the business",
        "Impact against feasibility",
        "Contradictions and pitfalls",
        "SMART action plan",
        "Timeline",
        "Appendix: how the numbers are made",
    ):
        assert heading in text, heading
    # Words that exist only inside the charts' SVG: the charts were drawn into the PDF.
    for chart_word in (
        "What the strategy needs",  # radar legend
        "mean answer minus target",  # area bars axis
        "Managers and staff",  # heatmap column
        "Thankless tasks",  # matrix corner
        "(declared)",  # strategy-fit bars
        "In progress",  # timeline legend
    ):
        assert chart_word in text, chart_word
    assert f"{built_report.alignment_index:.0f}/100" in text.replace(" ", "")


def _print_content(built_report, assessment):
    return report_content(
        assessment=assessment,
        result=built_report.result,
        perception=built_report.perception,
        plan=list(assessment.action_items.all()),
        bank=bank_to_engine(assessment.bank),
    )


def _svg(uri: str) -> str:
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri[len(prefix) :]).decode()


def test_print_charts_are_svg_for_every_section(built_report, assessment):
    content = _print_content(built_report, assessment)
    figures = pdf.print_figures(content)
    assert set(figures) == {"radar", "areas", "perception", "matrix", "fit", "gantt"}
    svgs = {name: _svg(uri) for name, uri in figures.items()}
    # Text stays text (not glyph outlines), in the one font the PDF engine has.
    assert ">What the strategy needs</text>" in svgs["radar"]
    assert "font-family=\"'DejaVu Sans'\"" in svgs["areas"]
    assert pdf.print_figures(content) == figures, "the same report draws the same charts"
    assert "matplotlib.pyplot" not in sys.modules, "no pyplot: no global figure state"


def test_print_charts_leave_out_what_the_report_does_not_show(built_report, assessment):
    content = _print_content(built_report, assessment)
    bare = dataclasses.replace(
        content,
        dimensions=content.dimensions[:2],
        perception={"comparable": False, "groups": []},
        priorities=(),
        plan=(),
    )
    figures = pdf.print_figures(bare)
    assert [name for name, uri in figures.items() if uri is None] == [
        "radar",
        "perception",
        "matrix",
        "gantt",
    ]


def test_an_area_without_a_score_is_marked_in_the_gap_bars(built_report, assessment):
    content = _print_content(built_report, assessment)
    first, *others = content.dimensions
    unscored = dataclasses.replace(first.areas[0], score=None)
    first = dataclasses.replace(first, areas=(unscored, *first.areas[1:]))
    svg = print_charts.area_gap_svg(dataclasses.replace(content, dimensions=(first, *others)))
    assert ">insufficient data</text>" in _svg(svg)


def test_web_processes_do_not_import_matplotlib():
    code = (
        "import sys, django; django.setup(); "
        "import alignment_site.urls, reports.pdf, reports.services; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "alignment_site.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "False"


def test_rendering_fetches_no_external_url(no_network):
    html = """<!doctype html><html><head>
      <link rel="stylesheet" href="http://example.invalid/evil.css">
      <style>@import url("https://example.invalid/import.css");
             body { background: url(http://example.invalid/bg.png); }
             @font-face { font-family: X; src: url(http://example.invalid/font.woff); }</style>
      </head><body>
      <p style="font-family: X">Hello</p>
      <img src="http://example.invalid/tracker.png">
      <img src="//example.invalid/protocol-relative.png">
      <img src="file:///etc/passwd">
      <img src="/static/../../alignment_site/settings/base.py">
      <img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMCIgaGVpZ2h0PSIxMCIvPg==">
      <link rel="stylesheet" href="/static/css/report_print.css">
      </body></html>"""
    fetcher = pdf.static_only_fetcher()
    document = pdf.html_to_pdf(html, fetcher=fetcher)
    assert document.startswith(b"%PDF-")
    refused = " ".join(fetcher.refused)
    for url in (
        "http://example.invalid/evil.css",
        "https://example.invalid/import.css",
        "http://example.invalid/bg.png",
        "http://example.invalid/font.woff",
        "http://example.invalid/tracker.png",
        "https://example.invalid/protocol-relative.png",
        "file:///etc/passwd",
    ):
        assert url in refused, url
    assert not any("base.py" in url for url in fetcher.served)
    assert fetcher.served == ["https://resonance.invalid/static/css/report_print.css"]
    assert no_network == [], "nothing tried to open a connection"


def test_a_report_template_with_external_references_renders_offline(
    built_report, assessment, no_network, monkeypatch
):
    template = engines["django"].from_string(
        '{% include "reports/pdf/report.html" %}'
        '<img src="http://example.invalid/logo.png">'
        '<link rel="stylesheet" href="https://example.invalid/brand.css">'
    )
    content = _print_content(built_report, assessment)
    html = template.render(
        {"content": content, "figures": pdf.print_figures(content), "print": True}
    )
    fetcher = pdf.static_only_fetcher()
    assert pdf.html_to_pdf(html, fetcher=fetcher).startswith(b"%PDF-")
    assert set(fetcher.refused) == {
        "http://example.invalid/logo.png",
        "https://example.invalid/brand.css",
    }
    assert no_network == []
