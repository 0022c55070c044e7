"""Break the reference cycles a rendered WeasyPrint document is made of, once its PDF is written.

A report's document is about 80,000 objects (boxes, computed styles, the charts' SVG trees) that
hang off a few reference cycles: each style caches the style of its anonymous boxes, which points
back to it; an anonymous style is its own `specified` style; the layout context holds a
`functools.partial` bound to itself; an SVG image and its lazy `<defs>` tables refer to each
other. Reference counting cannot free any of it, so Python's cyclic garbage collector had to walk
all of it after every build: about 100 ms, more than any phase but WeasyPrint's own layout.
Cutting those few links lets reference counting free the document at once, for about a tenth of
that.

`release()` only clears the instance attributes of objects the finished document no longer
needs. It reads WeasyPrint internals, so it only does so for the versions it was checked
against (`CHECKED_VERSIONS`); on any other the collector frees the document as before, only
slower, and a test says so.
"""

from __future__ import annotations

from typing import Any

# The WeasyPrint versions whose document structure this module was read against and tested with.
CHECKED_VERSIONS = ("70.",)


def checked() -> bool:
    """Whether this WeasyPrint is one `release()` knows."""
    import weasyprint

    return weasyprint.__version__.startswith(CHECKED_VERSIONS)


def release(document: Any) -> bool:
    """Cut the reference cycles of a document whose PDF is written; return whether it did.

    The document is of no use afterwards.
    """
    if not checked():
        return False
    from weasyprint.css import Style
    from weasyprint.images import SVGImage

    boxes = [box for page in document.pages for box in page._page_box.descendants(True)]
    contexts: dict[int, Any] = {}
    for box in boxes:
        image = getattr(box, "replacement", None)
        if isinstance(image, SVGImage):
            contexts[id(image._context)] = image._context
            vars(image._svg).clear()
    # Every style: the boxes', those of elements that made no box (the <head>, hidden ones),
    # their ancestors and the anonymous styles cached on any of them. A loop, not a recursive
    # function: a function that calls itself is a reference cycle of its own.
    pending = [getattr(box, "style", None) for box in boxes]
    for context in contexts.values():
        pending.extend(context.style_for._computed_styles.values())
        vars(context).clear()
    styles: dict[int, Style] = {}
    while pending:
        style = pending.pop()
        if isinstance(style, Style) and id(style) not in styles:
            styles[id(style)] = style
            pending += (
                vars(style).get("anonymous_style"),
                getattr(style, "root_style", None),
                style.parent_style,
            )
    for style in styles.values():
        vars(style).clear()
    return True
