"""Draw plain SVG text in one piece in WeasyPrint, instead of one Pango layout per letter.

WeasyPrint (up to 70 at least) lays out and draws every character of an SVG `<text>` on its own,
because SVG may place each glyph separately (`x`/`y` lists, `dx`, `dy`, `rotate`). The print
charts have about 170 labels and 1,700 characters: those per-letter layouts were about a third
of the PDF's time. The charts never place glyphs one by one, so a text node with one `x` and one
`y` and none of the per-glyph attributes is shaped and drawn as one run here — the result
upstream proposes for its issue #2249 (it also keeps kerning and combining marks together).
Any other text node goes to WeasyPrint's own function unchanged.

Such a node centred or right-aligned (`text-anchor`: middle or end, as most axis labels are) is
also moved by half or all of its width here, where the width is known. WeasyPrint would draw it
into a group of its own (a form XObject in the PDF) and place the group once drawn: a PDF
object, a graphics state and a bounding box for each of about 130 labels a report.

`install()` swaps the function into WeasyPrint's SVG tag table once per process. It only does so
for the WeasyPrint versions this was checked against; on any other the PDF stays correct, only
slower, and `installed()` says so (a test fails, so an upgrade gets looked at).
"""

from __future__ import annotations

import functools
from math import inf
from typing import Any

# The WeasyPrint versions whose SVG drawing this module was read against and tested with.
CHECKED_VERSIONS = ("70.",)
PER_GLYPH = ("dx", "dy", "rotate", "textLength", "lengthAdjust")
TEXT_TAGS = ("a", "text", "textPath", "tspan")


def _one_value(value: str | None) -> bool:
    from weasyprint.svg.utils import normalize

    return value is None or " " not in normalize(value).strip()


def _plain(node: Any) -> bool:
    """Whether WeasyPrint would put every glyph of the node right after the one before."""
    attrib = node.attrib
    return (
        bool(node.text)
        and node.tag != "textPath"
        and not any(name in attrib for name in PER_GLYPH)
        and attrib.get("direction", "ltr") == "ltr"
        and attrib.get("letter-spacing") in (None, "0", "normal")
        and _one_value(attrib.get("x"))
        and _one_value(attrib.get("y"))
    )


def _text_style(svg: Any, node: Any, font_size: float) -> Any:
    """The same makeshift style WeasyPrint's own SVG text function builds."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.svg.text import Style

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    else:
        try:
            weight = int(weight)
        except ValueError:
            weight = 400
    style["font_weight"] = weight
    style["font_size"] = font_size
    return style


# The attribute a node's text-anchor waits in while `draw_node` runs without it.
ANCHOR = "resonance-text-anchor"


def _anchored(node: Any) -> bool:
    """Whether the node is plain text, without child elements, centred or aligned right."""
    return (
        node.tag == "text"
        and node.get("text-anchor") in ("middle", "end")
        and len(node._etree_node) == 0
        and _plain(node)
    )


def _make_draw_node(original: Any) -> Any:
    def draw_node(
        svg: Any, node: Any, font_size: float, fill_stroke: bool = True, context: Any = None
    ) -> None:
        """Hide a plain node's text-anchor from WeasyPrint, which would draw it in a group."""
        if not _anchored(node):
            original(svg, node, font_size, fill_stroke, context)
            return
        anchor = node.attrib.pop("text-anchor")
        node.attrib[ANCHOR] = anchor
        try:
            original(svg, node, font_size, fill_stroke, context)
        finally:
            del node.attrib[ANCHOR]
            node.attrib["text-anchor"] = anchor

    draw_node.original = original  # type: ignore[attr-defined]
    return draw_node


def _make_text(original: Any) -> Any:
    def text(svg: Any, node: Any, font_size: float) -> None:
        """Draw a plain text node as one run; hand anything else to WeasyPrint's function."""
        if not _plain(node):
            original(svg, node, font_size)
            return
        from weasyprint.draw.text import draw_emojis, draw_first_line
        from weasyprint.matrix import Matrix
        from weasyprint.svg.bounding_box import extend_bounding_box
        from weasyprint.svg.text import TextBox
        from weasyprint.text.line_break import split_first_line

        style = _text_style(svg, node, font_size)
        layout, _, _, width, height, baseline = split_first_line(
            node.text, style, svg.context, inf, 0
        )
        # Vertical alignment, as WeasyPrint does it (its ascent and descent are estimates).
        ascent, descent = font_size * 0.8, font_size * 0.2
        y_align = 0.0
        display_anchor = node.get("display-anchor")
        alignment = node.get("dominant-baseline", node.get("alignment-baseline"))
        if display_anchor == "middle":
            y_align = -height / 2
        elif display_anchor == "bottom":
            y_align = -height
        elif display_anchor == "top":
            pass
        elif alignment in ("central", "middle"):
            y_align = (ascent + descent) / 2 - descent
        elif alignment in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
            y_align = ascent
        elif alignment in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
            y_align = -descent

        if "x" in node.attrib:
            x = svg.point(node.attrib["x"], 0, font_size)[0]
            svg.cursor_d_position[0] = 0
        else:
            x = svg.cursor_position[0]
        if "y" in node.attrib:
            y = svg.point(0, node.attrib["y"], font_size)[1]
            svg.cursor_d_position[1] = 0
        else:
            y = svg.cursor_position[1]
        svg.cursor_position = x + width, y
        # What WeasyPrint's group would have done: move the run back by half or all its width.
        anchor = node.get(ANCHOR)
        x_align = width / 2 if anchor == "middle" else width if anchor == "end" else 0.0
        x -= x_align
        x_position = x + svg.cursor_d_position[0]
        y_position = y + svg.cursor_d_position[1] + y_align
        node.text_bounding_box = extend_bounding_box(
            node.text_bounding_box,
            (
                (x_position, y_position - baseline),
                (x_position + width, y_position - baseline + height),
            ),
        )

        svg.stream.push_state()
        fill, stroke = svg.set_graphical_state(node, font_size)
        svg.stream.begin_text()
        layout.reactivate(style)
        svg.fill_stroke(fill, stroke, text=True)
        text_box = TextBox(layout, style)
        text_box.baseline = baseline
        emojis = draw_first_line(
            svg.stream, text_box, "none", "none", Matrix(d=-1, e=x_position, f=y_position)
        )
        svg.stream.end_text()
        svg.stream.pop_state()
        draw_emojis(svg.stream, style, x, y, emojis)

    text.original = original  # type: ignore[attr-defined]
    return text


@functools.cache
def install() -> bool:
    """Put the one-run text function into WeasyPrint's SVG drawing; return whether it is in."""
    import importlib

    import weasyprint
    import weasyprint.svg as weasy_svg

    # The module, not the function `weasyprint.svg.text` that shadows its name.
    original = importlib.import_module("weasyprint.svg.text").text
    if not weasyprint.__version__.startswith(CHECKED_VERSIONS):
        return False
    if weasy_svg.text is not original or any(weasy_svg.TAGS[t] is not original for t in TEXT_TAGS):
        return False  # someone else changed it: leave it alone
    if hasattr(weasy_svg.SVG.draw_node, "original"):
        return False
    text = _make_text(original)
    # draw_node compares TAGS entries with the module's `text` (text-anchor, bounding boxes):
    # both must be the new function.
    for tag in TEXT_TAGS:
        weasy_svg.TAGS[tag] = text
    weasy_svg.text = text
    weasy_svg.SVG.draw_node = _make_draw_node(weasy_svg.SVG.draw_node)
    return True


def installed() -> bool:
    """Whether SVG text is drawn in one run per node in this process."""
    import weasyprint.svg as weasy_svg

    return getattr(weasy_svg.TAGS["text"], "original", None) is not None
