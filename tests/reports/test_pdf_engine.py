"""The PDF engine's speed-ups: SVG labels in one run, lean chart SVG, stylesheet and fonts made once,
documents freed without the cycle collector."""

import base64
import gc
import io
import re
import shutil
import subprocess
from html import unescape

import pytest

from reports import pdf, pdf_cycles, pdf_deflate, print_charts, svg_text

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
)
# 400 × 100 user units drawn 400 CSS px wide: one unit is one CSS px, 0.75 pt in the PDF.
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100" viewBox="0 0 400 100">
  <text x="200" y="20" style="font-size: 12px; font-family: 'DejaVu Sans'; text-anchor: middle"
        transform="rotate(-0 200 20)">centred label</text>
  <text x="390" y="45" style="font-size: 12px; font-family: 'DejaVu Sans'; text-anchor: end"
        >right edge</text>
  <text x="10 30 50" y="70" style="font-size: 12px; font-family: 'DejaVu Sans'">abc</text>
  <text x="10" y="90" rotate="0 10" style="font-size: 12px; font-family: 'DejaVu Sans'">tilted</text>
</svg>"""


def _words(document: bytes, tmp_path) -> dict[str, tuple[float, float]]:
    """Return each word of the PDF with its left and right edge in points."""
    path = tmp_path / "svg.pdf"
    path.write_bytes(document)
    command = [shutil.which("pdftotext") or "pdftotext", "-bbox", str(path), "-"]
    xhtml = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    return {
        unescape(word): (float(left), float(right)) for left, right, word in WORD.findall(xhtml)
    }


def _render(svg: str) -> bytes:
    html = (
        "<style>@page { size: 400px 100px; margin: 0 } body { margin: 0 }</style>"
        '<img style="display: block; width: 400px" src="data:image/svg+xml;base64,'
        + base64.b64encode(svg.encode()).decode()
        + '">'
    )
    return pdf.html_to_pdf(html)


def test_plain_text_is_drawn_in_one_run_on_the_checked_weasyprint():
    _render(SVG)
    assert svg_text.installed(), "WeasyPrint changed: check reports/svg_text.py against it"


def test_pdf_streams_are_deflated_at_level_6_on_the_checked_pydyf():
    import zlib

    import pydyf

    _render(SVG)
    assert pdf_deflate.installed(), "pydyf changed: check reports/pdf_deflate.py against it"
    stream = pydyf.Stream([b"0 0 m 10 10 l S"] * 50, compress=True)
    deflate = zlib.compressobj(6)
    expected = deflate.compress(b"\n".join([b"0 0 m 10 10 l S"] * 50)) + deflate.flush()
    assert expected in stream.data
    assert zlib.decompress(expected) == b"\n".join([b"0 0 m 10 10 l S"] * 50)


def test_a_rendered_document_is_freed_by_reference_counting():
    assert pdf_cycles.checked(), "WeasyPrint changed: check reports/pdf_cycles.py against it"
    _render(SVG)  # a first document pays for imports and font caches
    gc.collect()
    gc.disable()
    try:
        _render(SVG)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = {
            type(o).__qualname__
            for o in gc.garbage
            if type(o).__module__.startswith(("weasyprint", "cssselect2"))
        }
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not left, "the cycle collector had to free these"


@needs_poppler
def test_anchored_and_per_glyph_text_land_where_svg_places_them(tmp_path):
    words = _words(_render(SVG), tmp_path)
    left, right = words["centred"][0], words["label"][1]
    assert abs((left + right) / 2 - 200 * 0.75) < 1.5, "text-anchor middle centres the run"
    assert abs(words["edge"][1] - 390 * 0.75) < 1.5, "text-anchor end ends the run at x"
    # Per-glyph x lists and rotate go to WeasyPrint's own drawing, letter by letter.
    letters = {word: box for word, box in words.items() if word in {"a", "b", "c"}}
    assert [round(box[0] / 0.75) for _, box in sorted(letters.items())] == [10, 30, 50]
    assert "tilted" in words or {"t", "i", "l", "e", "d"} <= set(words)


def test_the_print_stylesheet_and_fonts_are_made_once_per_thread():
    import threading

    first = pdf._print_resources()
    assert pdf._print_resources() is first
    other = []
    thread = threading.Thread(target=lambda: other.append(pdf._print_resources()))
    thread.start()
    thread.join()
    assert other[0] is not first, "each thread has its own font map"
    assert other[0][0].page_rules, "the stylesheet's @page rules are parsed"


# What matplotlib writes, in small: one stylesheet rule, style attributes, groups with only an id.
MATPLOTLIB_SVG = b"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="400pt" height="100pt" viewBox="0 0 400 100"
     xmlns="http://www.w3.org/2000/svg" version="1.1">
 <defs>
  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>
  <clipPath id="clip1"><rect x="0" y="0" width="200" height="100"/></clipPath>
  <path id="marker1" d="M 0 0 L 2 2" style="stroke: #000000"/>
 </defs>
 <g id="figure_1">
  <g id="text_1">
   <text x="200" y="20" style="font-size: 12px; font-family: 'DejaVu Sans'; text-anchor: middle"
     >centred label</text>
  </g>
  <g id="line2d_1">
   <path d="M 0 50 L 400 50" clip-path="url(#clip1)"
     style="fill: none; stroke: #ff0000; stroke-linecap: square"/>
  </g>
  <g id="kept" style="opacity: 0.5"><use xlink:href="#marker1" x="5" y="5"/></g>
 </g>
</svg>"""


def test_lean_svg_keeps_the_drawing_in_fewer_simpler_nodes():
    from xml.etree import ElementTree

    lean = print_charts.lean_svg(MATPLOTLIB_SVG)
    root = ElementTree.fromstring(lean)  # noqa: S314
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f".//{ns}style") is None, "the stylesheet rule became attributes"
    assert not [node for node in root.iter() if "style" in node.attrib]
    ids = [node.get("id") for node in root.iter(f"{ns}g")]
    assert ids == ["kept"], "groups with only an id are gone, one with a style stays"
    line = next(node for node in root.iter(f"{ns}path") if node.get("clip-path"))
    assert line.get("stroke") == "#ff0000"
    assert line.get("stroke-linecap") == "square", "a node's own value wins over the rule"
    assert line.get("stroke-linejoin") == "round", "the rule's value where the node has none"
    assert root.find(f".//{ns}text").get("text-anchor") == "middle"
    assert root.find(f".//{ns}clipPath").get("id") == "clip1"
    assert root.find(f".//{ns}g/{ns}use") is not None


def test_lean_svg_drops_only_the_clips_that_cut_nothing_off():
    from xml.etree import ElementTree

    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="100pt"
     viewBox="0 0 400 100" version="1.1">
 <defs>
  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>
  <clipPath id="axes"><rect x="10" y="10" width="200" height="80"/></clipPath>
 </defs>
 <path id="grid" d="M 50 90 L 50 10" clip-path="url(#axes)" style="stroke: #ccc"/>
 <path id="bar" d="M 20 20 L 60 20 L 60 30 L 20 30 z" clip-path="url(#axes)"/>
 <path id="edge" d="M 10 90 L 210 90" clip-path="url(#axes)" style="stroke: #ccc"/>
 <path id="capped" d="M 50 90 L 50 10" clip-path="url(#axes)"
   style="stroke: #ccc; stroke-linecap: square"/>
 <path id="out" d="M 0 50 C 10 50 20 50 30 50" clip-path="url(#axes)"/>
</svg>"""
    root = ElementTree.fromstring(print_charts.lean_svg(svg))  # noqa: S314
    clipped = {node.get("id") for node in root.iter() if node.get("clip-path")}
    # Inside, strokes included: the vertical line's flat ends stop at the clip's edges.
    assert clipped == {"edge", "capped", "out"}, "half a stroke, a square end, a curve outside"


def test_lean_svg_leaves_a_stylesheet_it_does_not_know_alone():
    other = MATPLOTLIB_SVG.replace(b"*{stroke-linejoin", b"path{stroke-linejoin")
    assert print_charts.lean_svg(other) == other


@needs_poppler
def test_lean_svg_text_lands_where_matplotlib_placed_it(tmp_path):
    words = _words(_render(print_charts.lean_svg(MATPLOTLIB_SVG).decode()), tmp_path)
    left, right = words["centred"][0], words["label"][1]
    assert abs((left + right) / 2 - 200 * 0.75) < 1.5


def test_label_sizes_come_from_the_process_cache_and_match_matplotlib():
    print_charts._figure_class()  # configures matplotlib, puts the cached measure in
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family="DejaVu Sans", size=8)
    assert RendererSVG.get_text_width_height_descent is print_charts._text_extent
    measured = TextToPath().get_text_width_height_descent("Customer understanding", prop, False)
    renderer = RendererSVG(100, 100, io.StringIO())
    assert renderer.get_text_width_height_descent("Customer understanding", prop, False) == (
        pytest.approx(measured)
    )
    hits = print_charts._plain_text_extent.cache_info().hits
    prop.set_size(8)  # an equal copy hits the cache; a changed size would not
    renderer.get_text_width_height_descent("Customer understanding", prop, False)
    assert print_charts._plain_text_extent.cache_info().hits == hits + 1


def test_font_line_metrics_come_from_the_process_cache_and_match_matplotlib():
    print_charts._figure_class()
    from matplotlib.backends.backend_svg import RendererSVG

    assert RendererSVG._get_font_height_metrics is print_charts._font_height

    def extent() -> tuple[float, ...]:
        fig = print_charts._figure(100)
        text = fig.text(0.1, 0.5, "two\nlines", fontsize=8, fontweight="bold")
        return tuple(text.get_window_extent(RendererSVG(100, 100, io.StringIO())).bounds)

    cached = extent()
    del RendererSVG._get_font_height_metrics  # matplotlib reads the font's tables itself
    try:
        assert extent() == cached
    finally:
        RendererSVG._get_font_height_metrics = print_charts._font_height


def test_axis_marks_draw_what_matplotlib_ticks_would():
    from reports.palette import MUTED, TEXT

    def chart(marks: bool) -> list[str]:
        fig = print_charts._figure(100)
        ax = print_charts._axes(fig, left=40, right=400, top=10, bottom=80)
        print_charts._plain(ax)
        ax.set_xlim(-0.5, 2.5)
        ax.set_ylim(-1, 1)
        ax.bar(range(3), [0.5, -0.25, 1], width=0.6)
        ax.set_yticks([-1, -0.5, 0, 0.5, 1])
        ax.set_xticks(range(3), ["one", "two\n(lines)", "three"])
        if marks:
            print_charts._marks(ax, "y", size=7, color=MUTED, pad=3, grid=True)
            print_charts._marks(ax, "x", size=8, color=TEXT, pad=3)
        else:
            ax.grid(axis="y", **print_charts.GRID_LINES)
            ax.tick_params(axis="x", labelsize=8, labelcolor=TEXT, pad=3)
        svg = base64.b64decode(print_charts._data_url(fig).split(",", 1)[1]).decode()
        return sorted(line.strip() for line in svg.splitlines())

    assert chart(marks=True) == chart(marks=False)
