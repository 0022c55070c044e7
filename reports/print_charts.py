"""The printed report's charts, drawn with matplotlib and embedded in the PDF as data: URLs.

The PDF needs its charts without a browser: Plotly's static export (kaleido) drives a Chrome or
Chromium, which a fresh machine may not have, while matplotlib renders on its own. The charts
show the same series as the Plotly figures of the web page (`reports.charts`), read from the
same report content, in the same colours. Each public function returns an SVG `data:` URL for an
`<img src>`, or None when the report shows no such chart.

matplotlib is imported on the first chart, so processes that never print pay nothing for it.
Every chart is a `matplotlib.figure.Figure` of its own – no pyplot and its global figure
registry, so long-lived and threaded workers keep no state between reports. Axes are placed at
fixed positions in points instead of `bbox_inches="tight"`, which would draw every chart twice.
SVG keeps its text as text (`svg.fonttype: none`): selectable in the PDF and a fraction of the
nodes of glyph outlines, so WeasyPrint paints it quickly.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import re
import statistics
from collections.abc import Sequence
from datetime import date, timedelta
from math import cos, pi, sin
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from reports.chart_text import PRINT_PARSE_MATH
from reports.content import (
    QUADRANT_LABELS,
    PriorityRow,
    ReportContent,
    signed,
    spread_positions,
)
from reports.models import ActionItem
from reports.numbers import decimal_text, scale_mean
from reports.palette import (
    GRID,
    INK,
    MUTED,
    NO_DATA,
    OTHER_DISCIPLINE,
    OVER,
    QUADRANT_COLOURS,
    SCALE,
    SHORT,
    STATUS_COLOURS,
    TARGET,
    TEXT,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes
    from matplotlib.typing import RcKeyType

WIDTH = 504.0  # points: the A4 text width at the PDF's margins
SVG_DPI = 72  # matplotlib draws SVG at 72 dpi: a pixel is a point
DASHED = (0, (4, 3))
# Grid and reference lines run from edge to edge of their axes: with flat ends (rather than
# matplotlib's square ones, which the axes clip cut off) they lie inside the axes and need no
# clip in the SVG (`lean_svg`).
GRID_LINES: dict[str, Any] = {"color": GRID, "linewidth": 0.6, "solid_capstyle": "butt"}
NO_ROTATION = re.compile(rb' transform="rotate\(-?0 [-0-9. ]+\)"')
RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",  # the one font installed with WeasyPrint's Pango
    "font.size": 8.0,
    "text.color": TEXT,
    "lines.scale_dashes": False,  # dash lengths in points, as in the web charts
    "svg.fonttype": "none",  # text stays text
    "svg.hashsalt": "resonance",  # stable ids: equal charts give equal files
    "text.parse_math": PRINT_PARSE_MATH,  # bank and user text with '$' is text, not mathtext
}


@functools.cache
def _figure_class() -> type[Figure]:
    """Import and configure matplotlib once per process; return its Figure class."""
    # The app's own folder for matplotlib's font cache: with a read-only home, matplotlib would
    # otherwise fall back to a new temporary folder, and build a new cache, in every process.
    os.environ.setdefault("MPLCONFIGDIR", str(Path(settings.VAR_DIR) / "matplotlib"))
    import matplotlib

    matplotlib.use("Agg")  # never a GUI backend, whatever the environment asks for
    # Process-wide, but written once with the same values: only these charts use matplotlib.
    matplotlib.rcParams.update(RC)
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.figure import Figure

    RendererSVG.get_text_width_height_descent = _text_extent  # type: ignore[method-assign]
    from matplotlib.font_manager import fontManager

    if hasattr(fontManager, "_find_fonts_by_props"):
        # The hook matplotlib's text layout asks a renderer for a font's line metrics, if it has
        # one (matplotlib 3.10 and later).
        RendererSVG._get_font_height_metrics = _font_height  # type: ignore[attr-defined]
    return Figure


def _text_extent(renderer: Any, text: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
    """Measure a label for the SVG renderer, from a cache the process keeps.

    matplotlib measures every label with FreeType (about 0.3 ms each, some 200 a report) and
    keeps the figures only as long as one renderer, that is one chart. A label's size depends
    on nothing but its text and font, so one worker measures "Customer understanding" or
    "0.5" in 8-point DejaVu Sans once. Math and TeX text (the charts use neither) go to
    matplotlib's own measure.
    """
    if ismath:
        return cast(
            "tuple[float, float, float]",
            renderer._text2path.get_text_width_height_descent(text, prop, ismath),
        )
    return _plain_text_extent(text, prop.copy())


@functools.lru_cache(maxsize=8192)
def _plain_text_extent(text: str, prop: Any) -> tuple[float, float, float]:
    # The FontProperties copy is the key: it hashes and compares by family, style, size…
    from matplotlib.textpath import text_to_path

    width, height, descent = text_to_path.get_text_width_height_descent(text, prop, False)
    return width, height, descent


def _font_height(renderer: Any, prop: Any) -> tuple[float | None, float | None, float | None]:
    """Return a font's ascent, descent and line gap in points, from a cache the process keeps.

    matplotlib reads them from the font file's tables for every label it lays out (about 450
    times a report), though they depend on nothing but the font and its size. The same figures
    as matplotlib's own: its typographic metrics (OS/2 table), else its horizontal header's.
    """
    return _plain_font_height(prop.copy())


@functools.lru_cache(maxsize=256)
def _plain_font_height(prop: Any) -> tuple[float | None, float | None, float | None]:
    from matplotlib.font_manager import fontManager, get_font

    font: Any = get_font(fontManager._find_fonts_by_props(prop))  # its tables by name
    for table_name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is not None:
            # Font units to pixels at the SVG's 72 dpi, computed in matplotlib's order so that
            # the figures are the same to the last bit.
            units = font.get_sfnt_table("head")["unitsPerEm"]
            scale = 1 / units * prop.get_size_in_points() * SVG_DPI / 72
            return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


def _figure(height: float) -> Figure:
    """Return an empty, transparent figure the width of the page, `height` points high."""
    return _figure_class()(figsize=(WIDTH / 72, height / 72), dpi=72, facecolor="none")


def _axes(fig: Figure, *, left: float, right: float, top: float, bottom: float) -> Axes:
    """Return axes placed by their edges, in points from the figure's left and top."""
    width, height = fig.get_size_inches() * 72
    return fig.add_axes(
        (left / width, 1 - bottom / height, (right - left) / width, (bottom - top) / height)
    )


def _plain(ax: Axes, *, spines: Sequence[str] = ()) -> None:
    """Strip the axes to what the report's charts show: light grid, muted labels, no ticks."""
    for name, spine in ax.spines.items():
        spine.set_visible(name in spines)
        spine.set_color(MUTED)
        spine.set_linewidth(0.8)
    ax.set_facecolor("none")
    # Tick marks off, not merely zero-long: hidden artists are not written to the SVG at all.
    ax.tick_params(length=0, bottom=False, left=False, labelsize=7, labelcolor=MUTED, pad=3)
    ax.set_axisbelow(True)


def _data_url(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    # matplotlib gives every label a rotation, most of them by zero degrees: WeasyPrint would
    # parse and apply each one.
    svg = lean_svg(NO_ROTATION.sub(b"", buffer.getvalue()))
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


SVG_NS = "http://www.w3.org/2000/svg"
STYLE_TAG = f"{{{SVG_NS}}}style"
GROUP_TAG = f"{{{SVG_NS}}}g"
UNIVERSAL_RULE = re.compile(r"\s*\*\s*\{([^{}]*)\}\s*")
REFERENCE = re.compile(r"#([^\s)\"']+)")


def _declarations(style: str) -> dict[str, str] | None:
    """Return the declarations of a plain `style` value, or None if it is not that plain."""
    if "!" in style or "\\" in style or style.count("'") % 2 or '"' in style:
        return None
    declarations = {}
    for part in style.split(";"):
        name, colon, value = part.partition(":")
        if not part.strip():
            continue
        if not colon or not name.strip() or not value.strip():
            return None
        declarations[name.strip()] = value.strip()
    return declarations


def lean_svg(svg: bytes) -> bytes:
    """Return matplotlib's SVG with the same drawing in fewer, simpler nodes for WeasyPrint.

    WeasyPrint matches every node of an SVG against its stylesheet and parses every `style`
    attribute with a CSS parser, and it opens a graphics state for every group: about half of
    its time on the charts. matplotlib's SVG has one stylesheet rule (`*{stroke-linejoin: round;
    stroke-linecap: butt}`), a style attribute on most nodes and a group with nothing but an
    id around each of them. Here the rule becomes attributes of every node, each style
    attribute becomes the same properties as attributes (a node's own values still win, and
    WeasyPrint passes both down to the children alike), and groups with only an id that
    nothing refers to give their children to their parent. Anything else is left as it is.
    """
    from xml.etree import ElementTree

    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    # matplotlib's own output, just written in this process: no untrusted XML.
    root = ElementTree.fromstring(svg)  # noqa: S314
    defaults: dict[str, str] = {}
    for parent in list(root.iter()):
        for style in [child for child in parent if child.tag == STYLE_TAG]:
            rule = UNIVERSAL_RULE.fullmatch(style.text or "")
            universal = _declarations(rule.group(1)) if rule else None
            if universal is None:
                return svg  # a stylesheet this function does not know: leave the SVG alone
            defaults.update(universal)
            parent.remove(style)
    referenced: set[str] = set()
    for node in root.iter():
        for value in node.attrib.values():
            if "#" in value:
                referenced.update(REFERENCE.findall(value))
    _unwrap_groups(root, referenced)
    for node in root.iter():
        own = _declarations(node.attrib.get("style", ""))
        if own is None:
            own = {}  # not plain: the style attribute stays, WeasyPrint reads it
        else:
            node.attrib.pop("style", None)
        for name, value in defaults.items():
            if name not in own:
                node.attrib.setdefault(name, value)
        node.attrib.update(own)
    _drop_idle_clips(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


CLIP_PATH_TAG = f"{{{SVG_NS}}}clipPath"
RECT_TAG = f"{{{SVG_NS}}}rect"
PATH_TAG = f"{{{SVG_NS}}}path"
CLIP_URL = re.compile(r"url\(#([^)\s]+)\)")
PATH_COMMANDS = frozenset("MLCQZz")
STROKE_PROPERTIES = (
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
)


def _drop_idle_clips(root: Any) -> None:
    """Remove the clip path of each path that lies, stroke included, inside its clip rectangle.

    matplotlib clips every line and bar to its axes, though most of them (grid lines, bars,
    reference lines) lie within the axes anyway. For WeasyPrint, each clip is one more node to
    draw and a clipping operation in the PDF. Only a clip path that is a plain rectangle and a
    path of absolute straight and curved segments are read; the path's extent counts its
    control points and the most its stroke can reach past them, so nothing is lost that the
    clip would have shown.
    """
    rectangles = {}
    for clip in root.iter(CLIP_PATH_TAG):
        shapes = list(clip)
        if (
            len(shapes) == 1
            and shapes[0].tag == RECT_TAG
            and set(clip.attrib) - {"stroke-linejoin", "stroke-linecap"} <= {"id"}
            and "transform" not in shapes[0].attrib
        ):
            box = _numbers([shapes[0].get(name) for name in ("x", "y", "width", "height")])
            if box is not None:
                x, y, width, height = box
                rectangles[clip.get("id")] = (x, y, x + width, y + height)
    if not rectangles:
        return
    parents = {child: parent for parent in root.iter() for child in parent}
    for node in root.iter(PATH_TAG):
        found = CLIP_URL.fullmatch(node.get("clip-path", ""))
        rectangle = rectangles.get(found.group(1)) if found else None
        if rectangle is None or any(name.startswith("marker") for name in node.attrib):
            continue
        extent = _path_extent(node.get("d", ""), _stroke(node, parents))
        if extent is not None and (
            extent[0] >= rectangle[0]
            and extent[1] >= rectangle[1]
            and extent[2] <= rectangle[2]
            and extent[3] <= rectangle[3]
        ):
            del node.attrib["clip-path"]


def _numbers(values: Sequence[str | None]) -> list[float] | None:
    try:
        return [float(value) for value in values if value is not None] if all(values) else None
    except ValueError:
        return None


def _stroke(node: Any, parents: dict[Any, Any]) -> dict[str, str]:
    """Return the stroke properties a node draws with, its own or inherited."""
    found: dict[str, str] = {}
    while node is not None:
        for name in STROKE_PROPERTIES:
            if name in node.attrib:
                found.setdefault(name, node.attrib[name])
        node = parents.get(node)
    return found


def _path_extent(d: str, stroke: dict[str, str]) -> tuple[float, float, float, float] | None:
    """Return the box (left, top, right, bottom) a path's paint stays in, or None if unsure."""
    tokens = d.split()
    points: list[float] = []
    for token in tokens:
        if token in PATH_COMMANDS:
            continue
        try:
            points.append(float(token))
        except ValueError:
            return None  # relative commands, arcs, packed numbers: not read here
    if not points or len(points) % 2:
        return None
    xs, ys = points[0::2], points[1::2]
    reach_x = reach_y = 0.0
    if stroke.get("stroke", "none") != "none":
        try:
            half = float(stroke.get("stroke-width", "1")) / 2
            limit = float(stroke.get("stroke-miterlimit", "4"))
        except ValueError:
            return None
        cap = stroke.get("stroke-linecap", "butt")
        join = stroke.get("stroke-linejoin", "miter")
        if cap == "butt" and [t for t in tokens if t in PATH_COMMANDS] == ["M", "L"]:
            # One straight segment with flat ends: a vertical or horizontal one's stroke
            # widens it sideways only.
            reach_x = 0.0 if ys[0] == ys[1] else half
            reach_y = 0.0 if xs[0] == xs[1] else half
        else:
            reach = half * max(1.0, limit if join == "miter" else 1.0)
            if cap == "square":
                reach = max(reach, half * 2**0.5)
            reach_x = reach_y = reach
    return min(xs) - reach_x, min(ys) - reach_y, max(xs) + reach_x, max(ys) + reach_y


def _unwrap_groups(parent: Any, referenced: set[str]) -> None:
    """Replace each group that has only an id nothing refers to by its children."""
    children = list(parent)
    for child in children:
        _unwrap_groups(child, referenced)
    if not any(_bare_group(child, referenced) for child in children):
        return
    kept = []
    for child in children:
        if _bare_group(child, referenced):
            kept.extend(child)
        else:
            kept.append(child)
    parent[:] = kept


def _bare_group(node: Any, referenced: set[str]) -> bool:
    return (
        node.tag == GROUP_TAG
        and set(node.attrib) <= {"id"}
        and node.attrib.get("id") not in referenced
        and not (node.text or "").strip()
    )


def _row_labels(ax: Axes, labels: Sequence[str], *, offset: float = 0.0) -> None:
    """Label the rows 0, 1, 2… (plus `offset`) left of the axes, as y tick labels would be.

    Plain text placed with the tick labels' own transform looks the same as tick labels but
    spares matplotlib a tick object each (five artists, their styles copied one by one).
    """
    ax.set_yticks([])
    place, vertical, horizontal = ax.get_yaxis_text1_transform(6)
    for row, label in enumerate(labels):
        ax.text(
            0,
            row + offset,
            label,
            transform=place,
            va=vertical,
            ha=horizontal,
            fontsize=8,
            color=TEXT,
        )


def _marks(
    ax: Axes,
    which: str,
    *,
    size: float,
    color: str,
    pad: float,
    grid: bool = False,
    ha: str | None = None,
) -> None:
    """Draw an axis's labels (and grid lines) as plain artists where matplotlib makes ticks.

    The positions and texts come from the axis's own locator and formatter, kept as
    matplotlib keeps them (within the axis's limits); the labels are placed with the tick
    labels' own transform and the grid lines drawn with the axis, below everything else. The
    same picture without a tick object each (five artists, their styles copied one by one).
    Only for axes without an axis label, which matplotlib places clear of the tick labels.
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullLocator

    axis = ax.xaxis if which == "x" else ax.yaxis
    low, high = sorted(axis.get_view_interval())
    positions = list(axis.get_major_locator()())
    texts = axis.get_major_formatter().format_ticks(positions)
    axis.set_major_locator(NullLocator())
    slack = (high - low) * 1e-10
    if which == "x":
        place, vertical, horizontal = ax.get_xaxis_text1_transform(pad)
        across = ax.get_xaxis_transform(which="grid")
    else:
        place, vertical, horizontal = ax.get_yaxis_text1_transform(pad)
        across = ax.get_yaxis_transform(which="grid")
    for position, text in zip(positions, texts, strict=True):
        if not low - slack <= position <= high + slack:
            continue
        along, edge_to_edge = (position, position), (0, 1)
        xs, ys = (along, edge_to_edge) if which == "x" else (edge_to_edge, along)
        if grid:
            ax.add_artist(Line2D(xs, ys, transform=across, zorder=axis.get_zorder(), **GRID_LINES))
        ax.text(
            xs[0] if which == "x" else 0,
            0 if which == "x" else ys[0],
            text,
            transform=place,
            va=vertical,
            ha=ha or horizontal,
            fontsize=size,
            color=color,
        )


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(fig: Figure, entries: Sequence[tuple[str, str]], *, x: float) -> None:
    """Add a one-line legend of coloured squares along the bottom, starting `x` points in."""
    from matplotlib.patches import Patch

    fig.legend(
        handles=[Patch(color=colour, label=label) for colour, label in entries],
        loc="lower left",
        bbox_to_anchor=(x / WIDTH, 0),
        ncol=len(entries),
        frameon=False,
        fontsize=8,
        handlelength=1,
        handleheight=1,
        handletextpad=0.4,
        columnspacing=1.4,
        borderaxespad=0.2,
        borderpad=0,
    )


def radar_svg(content: ReportContent) -> str | None:
    """Return the radar of each dimension's mean answer against its mean target (1–5)."""
    from matplotlib.lines import Line2D

    rows = [d for d in content.dimensions if d.mean_current is not None]
    if len(rows) < 3:
        return None
    fig = _figure(256)
    ax = cast(
        "PolarAxes",  # what projection="polar" makes
        fig.add_axes((143 / WIDTH, 36 / 256, 184 / WIDTH, 184 / 256), projection="polar"),
    )
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    angles = [2 * pi * i / len(rows) for i in range(len(rows))]
    ax.set_ylim(1, 5)
    ax.set_rgrids([2, 3, 4, 5], fontsize=6.5, color=MUTED)
    ax.set_rlabel_position(180 / len(rows))  # between the first two spokes
    ax.set_xticks(angles, [""] * len(rows))
    ax.grid(color=GRID, linewidth=0.6)
    ax.spines["polar"].set_visible(False)
    ax.set_facecolor("none")
    ax.tick_params(length=0, bottom=False, left=False, pad=0)
    closed = [*angles, angles[0]]
    target = [d.mean_target or 1 for d in rows]
    current = [d.mean_current or 1 for d in rows]
    ax.plot(closed, [*target, target[0]], color=TARGET, linewidth=1.8, linestyle=DASHED)
    ax.fill(closed, [*current, current[0]], color=INK, alpha=0.16, linewidth=0)
    ax.plot(closed, [*current, current[0]], color=INK, linewidth=1.8)
    for angle, row in zip(angles, rows, strict=True):
        across, up = sin(angle), cos(angle)
        align = "center" if abs(across) < 0.1 else ("left" if across > 0 else "right")
        lift = 6 if up > 0.1 else (-5 if up < -0.1 else 2)
        score = (
            gettext("no score")
            if row.score is None
            else gettext("score %(score)s") % {"score": f"{row.score:.0f}"}
        )
        labels: tuple[tuple[str, int, dict[str, Any]], ...] = (
            (row.title, 0, {"fontweight": "bold"}),
            (score, -9, {"color": MUTED}),
        )
        for text, extra, style in labels:
            ax.annotate(
                text,
                (angle, 5),
                xytext=(14 * across, 14 * up + lift + extra),
                textcoords="offset points",
                ha=align,
                va="baseline",
                annotation_clip=False,
                **style,
            )
    fig.legend(
        handles=[
            Line2D([], [], color=INK, linewidth=1.8, label=gettext("Current practice")),
            Line2D(
                [],
                [],
                color=TARGET,
                linewidth=1.8,
                linestyle=DASHED,
                label=gettext("What the strategy needs"),
            ),
        ],
        loc="upper left",
        bbox_to_anchor=(354 / WIDTH, 1 - 30 / 256),
        frameon=False,
        fontsize=8,
        handlelength=2.5,
        borderaxespad=0,
    )
    fig.text(360 / WIDTH, 1 - 82 / 256, gettext("Rings: mean answer 2–5"), color=MUTED, fontsize=7)
    return _data_url(fig)


def area_gap_svg(content: ReportContent) -> str:
    """Return bars of each area's mean answer minus mean target, per area."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    areas = list(content.areas)
    gaps = [a.gap if a.score is not None and a.gap is not None else 0.0 for a in areas]
    row = 14.0
    fig = _figure(8 + row * len(areas) + 30)
    ax = _axes(fig, left=160, right=WIDTH - 30, top=8, bottom=8 + row * len(areas))
    _plain(ax)
    ax.set_xlim(min([*gaps, -1.0]) - 0.3, max([*gaps, 0.5]) + 0.3)
    ax.set_ylim(len(areas) - 0.5, -0.5)
    ax.xaxis.set_major_locator(MultipleLocator(0.5))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda tick, _: "0" if abs(tick) < 0.05 else signed(tick))
    )
    ax.grid(axis="x", **GRID_LINES)
    _row_labels(ax, [_short(a.title, 32) for a in areas])
    scored = [i for i, a in enumerate(areas) if a.score is not None]
    bars = ax.barh(
        scored,
        [gaps[i] for i in scored],
        height=(row - 5) / row,
        color=[SHORT if gaps[i] < 0 else OVER for i in scored],
    )
    ax.bar_label(bars, [signed(gaps[i]) for i in scored], padding=3, fontsize=7)
    for i in set(range(len(areas))) - set(scored):
        ax.annotate(
            gettext("insufficient data"),
            (0, i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            color=MUTED,
            fontsize=7,
        )
    ax.axvline(0, color=INK, linewidth=1, solid_capstyle="butt")
    ax.set_xlabel(
        gettext("mean answer minus target (points on the 1–5 scale)"),
        color=MUTED,
        fontsize=8,
        labelpad=4,
    )
    return _data_url(fig)


def perception_svg(content: ReportContent) -> str | None:
    """Return the heatmap of mean answers per area and respondent group (None if hidden)."""
    from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap

    perception = content.perception
    groups = perception.get("groups") or []
    if not perception.get("comparable") or len(groups) < 2:
        return None
    rows = perception["areas"]
    left, top, row, cell = 160.0, 26.0, 13.0, 92.0
    fig = _figure(top + row * len(rows) + 26)
    ax = _axes(
        fig, left=left, right=left + cell * len(groups), top=top, bottom=top + row * len(rows)
    )
    _plain(ax)
    scale = LinearSegmentedColormap.from_list("mean_answer", SCALE).with_extremes(bad=NO_DATA)
    values = [[float("nan") if v is None else v for v in area["values"]] for area in rows]
    # Not clipped to the axes: the cells fill them exactly, and the outer half of their white
    # edges, which the clip would cut off, falls on the white page.
    mesh = ax.pcolormesh(
        values,
        cmap=scale,
        vmin=1,
        vmax=5,
        edgecolors="white",
        linewidth=1,
        snap=True,
        clip_on=False,
    )
    ax.set_ylim(len(rows), 0)
    ax.set_xticks([])
    _row_labels(ax, [_short(a["title"], 32) for a in rows], offset=0.5)
    for i, area in enumerate(rows):
        for j, value in enumerate(area["values"]):
            label = "–" if value is None else decimal_text(scale_mean(value), 1)
            ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=7.5)
    for j, group in enumerate(groups):
        count = group["respondents"]
        for text, lift, style in (
            (group["label"], 16, {"fontweight": "bold"}),
            (
                ngettext("%(count)d respondent", "%(count)d respondents", count) % {"count": count},
                6,
                {"color": MUTED, "fontsize": 7},
            ),
        ):
            ax.annotate(
                text,
                (j + 0.5, 1),
                xycoords=("data", "axes fraction"),
                xytext=(0, lift),
                textcoords="offset points",
                ha="center",
                va="baseline",
                **style,
            )
    legend_x = left + len(groups) * cell + 18
    legend = _axes(fig, left=legend_x, right=legend_x + 12, top=top + 12, bottom=top + 12 + 13 * 5)
    bar = fig.colorbar(
        mesh,
        cax=legend,
        boundaries=[0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
        norm=BoundaryNorm([0.5, 1.5, 2.5, 3.5, 4.5, 5.5], 256),
        ticks=[1, 2, 3, 4, 5],
        drawedges=True,
    )
    bar.outline.set_visible(False)
    bar.dividers.set(color="white", linewidth=2)
    legend.tick_params(length=0, right=False, labelsize=7, labelcolor=TEXT, pad=4)
    legend.set_title(gettext("mean answer"), fontsize=7, color=MUTED, loc="left", pad=5)
    return _data_url(fig)


def matrix_svg(content: ReportContent, plan_size: int) -> str | None:
    """Return the impact/feasibility matrix of the priorities, coloured by quadrant."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    rows = list(content.priorities)
    if not rows:
        return None
    fig = _figure(250)
    ax = _axes(fig, left=44, right=WIDTH - 8, top=8, bottom=212)
    _plain(ax, spines=("left", "bottom"))
    y_high = max(p.uplift for p in rows) * 1.15 or 1.0
    ax.set_xlim(0.08, 1.1)
    # A margin under zero keeps the lowest points clear of the bottom corners' labels.
    ax.set_ylim(-0.08 * y_high, y_high)
    ax.set_xticks([0.2, 0.4, 0.6, 0.8, 1.0])
    ax.yaxis.set_major_locator(MultipleLocator(max(0.1, round(y_high / 5, 1))))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda tick, _: decimal_text(tick, 1)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda tick, _: decimal_text(tick, 1)))
    ax.grid(**GRID_LINES)
    median: dict[str, Any] = {"color": TARGET, "linewidth": 0.8, "linestyle": (0, (2, 2))}
    ax.axvline(statistics.median(p.feasibility for p in rows), **median)
    ax.axhline(statistics.median(p.uplift for p in rows), **median)
    xs = spread_positions([p.feasibility for p in rows], [p.question for p in rows])
    # The plan's first items drawn last, on top of the points they overlap.
    points = sorted(zip(xs, rows, strict=True), key=lambda pair: -pair[1].rank)
    ax.scatter(
        [x for x, _ in points],
        [p.uplift for _, p in points],
        s=[8.4**2 if p.rank <= plan_size else 4**2 for _, p in points],
        c=[QUADRANT_COLOURS[p.quadrant] for _, p in points],
        edgecolors="white",
        linewidths=0.6,
        zorder=3,
        clip_on=False,
        marker=_circle(),
    )
    for ranks, (x, y) in _rank_labels(ax, [(x, p) for x, p in points if p.rank <= plan_size]):
        ax.annotate(
            ranks,
            (x, y),
            xycoords="figure pixels",
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="baseline",
            fontsize=7,
            fontweight="bold",
            zorder=4,
        )
    for x, y, text in (
        (1, 1, pgettext("matrix quadrant", "Quick wins")),
        (0, 1, pgettext("matrix quadrant", "Major projects")),
        (1, 0, pgettext("matrix quadrant", "Fill-ins")),
        (0, 0, pgettext("matrix quadrant", "Thankless tasks")),
    ):
        ax.annotate(
            text,
            (x, y),
            xycoords="axes fraction",
            xytext=(3 - 6 * x, 4 - 14 * y),
            textcoords="offset points",
            ha="right" if x else "left",
            va="baseline",
            color=MUTED,
        )
    axis_label: dict[str, Any] = {"color": MUTED, "fontsize": 8}
    ax.set_xlabel(
        gettext("feasibility (1 = trivial, 0.2 = major project)"), labelpad=3, **axis_label
    )
    ax.set_ylabel(gettext("index points if brought to target"), labelpad=6, **axis_label)
    _legend(fig, [(QUADRANT_COLOURS[q], str(label)) for q, label in QUADRANT_LABELS.items()], x=104)
    return _data_url(fig)


@functools.cache
def _circle() -> Any:
    """Return a unit circle of four cubic curves, for markers.

    matplotlib's own circle has eight: twice the points for WeasyPrint to read in each of the
    matrix's points, where four curves are a circle to well within a thousandth of a point.
    """
    from matplotlib.path import Path

    k = 4 * (2**0.5 - 1) / 3  # the control points' distance for a quarter circle
    vertices = [(0.0, -1.0)]
    for x, y in ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)):
        px, py = vertices[-1]
        vertices += [(px + k * -py, py + k * px), (x + k * y, y - k * x), (x, y)]
    vertices.append((0.0, -1.0))
    codes = [Path.MOVETO, *[Path.CURVE4] * 12, Path.CLOSEPOLY]
    return Path(vertices, codes, readonly=True)


def _rank_labels(
    ax: Axes, points: Sequence[tuple[float, PriorityRow]]
) -> list[tuple[str, tuple[float, float]]]:
    """Return one label per cluster of plan points, e.g. "2, 3, 4", placed above the cluster.

    Points closer than a label is high share one label, so that no rank prints over another.
    Positions are in the figure's pixels, which are points at the charts' 72 dpi.
    """
    clusters: list[tuple[list[int], list[tuple[float, float]]]] = []
    for x, priority in sorted(points, key=lambda pair: pair[1].rank):
        px, py = (float(v) for v in ax.transData.transform((x, priority.uplift)))
        for ranks, spots in clusters:
            if any(abs(px - qx) < 9 and abs(py - qy) < 9 for qx, qy in spots):
                ranks.append(priority.rank)
                spots.append((px, py))
                break
        else:
            clusters.append(([priority.rank], [(px, py)]))
    return [
        (
            # Translators: the separator between plan numbers on the matrix, e.g. "2, 3, 4".
            pgettext("list separator", ", ").join(map(str, ranks)),
            (statistics.fmean(x for x, _ in spots), max(y for _, y in spots)),
        )
        for ranks, spots in clusters
    ]


def fit_svg(content: ReportContent) -> str:
    """Return how closely practice matches each value discipline (-1..1), the declared one dark."""
    from matplotlib.ticker import FuncFormatter

    rows = list(content.fit)
    fig = _figure(150)
    ax = _axes(fig, left=60, right=WIDTH - 60, top=14, bottom=120)
    _plain(ax, spines=())
    ax.set_xlim(-0.5, max(1, len(rows)) - 0.5)
    ax.set_ylim(-1, 1)
    ax.set_yticks([-1, -0.5, 0, 0.5, 1])
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda tick, _: decimal_text(tick, 1).replace("-", "\N{MINUS SIGN}"))
    )
    _marks(ax, "y", size=7, color=MUTED, pad=3, grid=True)
    ax.axhline(0, color=MUTED, linewidth=0.8, solid_capstyle="butt")
    values = [row.match or 0.0 for row in rows]
    bars = ax.bar(
        range(len(rows)),
        values,
        width=0.6,
        color=[INK if row.declared else OTHER_DISCIPLINE for row in rows],
        edgecolor=[SHORT if row.best else "none" for row in rows],
        linewidth=1.5,
    )
    for bar, row, value in zip(bars, rows, values, strict=True):
        match = "–" if row.match is None else decimal_text(row.match, 2)
        label = gettext("%(match)s  better fit") % {"match": match} if row.best else match
        ax.annotate(
            label,
            (bar.get_x() + bar.get_width() / 2, max(value, 0.0)),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="baseline",
            fontweight="bold" if row.best else "normal",
        )
    ax.set_xticks(
        range(len(rows)),
        [
            gettext("%(discipline)s\n(declared)") % {"discipline": row.label}
            if row.declared
            else row.label
            for row in rows
        ],
    )
    _marks(ax, "x", size=8, color=TEXT, pad=3)
    return _data_url(fig)


def gantt_svg(plan: Sequence[ActionItem], *, today: date | None = None) -> str | None:
    """Return the timeline of the action plan: one bar per item from start to due, by status."""
    from matplotlib import dates
    from matplotlib.ticker import FuncFormatter

    items = list(plan)
    if not items:
        return None
    row = 15.0
    fig = _figure(6 + row * len(items) + 34)
    ax = _axes(fig, left=190, right=WIDTH - 8, top=6, bottom=6 + row * len(items))
    _plain(ax)
    first = min(item.start for item in items)
    last = max(item.due for item in items) + timedelta(days=7)
    ax.set_xlim(dates.date2num(first), dates.date2num(last))
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.xaxis.set_major_locator(dates.MonthLocator())
    # Month names in the active language ("Dec 26", "Dez. 26"), not the C locale's.
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda tick, _: date_format(dates.num2date(tick).date(), "M y"))
    )
    _marks(ax, "x", size=6.5, color=MUTED, pad=3, grid=True, ha="left")
    starts = dates.date2num([item.start for item in items])
    ax.barh(
        range(len(items)),
        dates.date2num([item.due for item in items]) - starts,
        left=starts,
        height=(row - 5) / row,
        color=[STATUS_COLOURS.get(item.status, TARGET) for item in items],
    )
    _row_labels(ax, [_short(f"{i + 1}. {item.title}", 40) for i, item in enumerate(items)])
    if today is not None and first <= today <= last:
        ax.axvline(dates.date2num(today), color=INK, linewidth=0.8, linestyle=(0, (2, 2)))
    _legend(fig, [(STATUS_COLOURS[s], str(label)) for s, label in ActionItem.Status.choices], x=190)
    return _data_url(fig)


def kpi_svg(item: ActionItem, readings: Sequence[Any]) -> str | None:
    """Return one item's KPI series for print: readings, target line and expected path."""
    from matplotlib import dates
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    if not readings:
        return None
    days = [reading.measured_on for reading in readings]
    first, last = min([item.start, *days]), max([item.due, *days])
    height = 118.0
    fig = _figure(height)
    ax = _axes(fig, left=44, right=WIDTH - 150, top=8, bottom=height - 22)
    _plain(ax, spines=("bottom",))
    ax.grid(axis="y", **GRID_LINES)
    span = max((last - first).days, 1)
    pad = timedelta(days=max(1, span // 30))
    ax.set_xlim(dates.date2num(first - pad), dates.date2num(last + pad))
    locator = dates.AutoDateLocator(maxticks=6)
    ax.xaxis.set_major_locator(locator)
    # Dates in the active language: days and months over a short span, months and years over
    # a long one (matplotlib's own formatters write the C locale's English month names).
    shape = "MONTH_DAY_FORMAT" if span <= 120 else "YEAR_MONTH_FORMAT"
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda tick, _: date_format(dates.num2date(tick).date(), shape))
    )
    _marks(ax, "x", size=7, color=MUTED, pad=3)
    legend: list[tuple[Any, str]] = []
    if item.target is not None:
        ax.axhline(item.target, color=TARGET, linewidth=1.2, linestyle=DASHED)
        line = Line2D([], [], color=TARGET, linewidth=1.2, linestyle=DASHED)
        legend.append((line, gettext("Target")))
    if item.target is not None and item.baseline is not None:
        dotted = (0, (1, 2))
        ax.plot(
            dates.date2num([first, item.start, item.due, last]),
            [item.baseline, item.baseline, item.target, item.target],
            color=MUTED,
            linewidth=1.0,
            linestyle=dotted,
        )
        line = Line2D([], [], color=MUTED, linewidth=1.0, linestyle=dotted)
        legend.append((line, gettext("Expected path")))
    ax.plot(
        dates.date2num(days),
        [float(reading.value) for reading in readings],
        color=INK,
        linewidth=1.6,
        marker="o",
        markersize=3.5,
    )
    line = Line2D([], [], color=INK, linewidth=1.6, marker="o", markersize=3.5)
    legend.append((line, gettext("Readings")))
    fig.legend(
        handles=[handle for handle, _label in legend],
        labels=[label for _handle, label in legend],
        loc="upper left",
        bbox_to_anchor=((WIDTH - 140) / WIDTH, 1 - 8 / height),
        frameon=False,
        fontsize=7.5,
        handlelength=2.2,
        borderaxespad=0,
    )
    if item.unit:
        ax.set_ylabel(_short(item.unit, 24), color=MUTED, fontsize=7)
    return _data_url(fig)
