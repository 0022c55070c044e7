"""Text for mail headers: one line, whatever a person typed into a name."""

from __future__ import annotations

import unicodedata

__all__ = ["header_text"]


def header_text(value: str) -> str:
    """Return value on one line: runs of whitespace, CR/LF and other controls become one space.

    Django refuses a subject holding a newline (BadHeaderError), so an organization named with
    one would stop every mail that names it; cleaned, the mail goes out.
    """
    visible = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value
    )
    return " ".join(visible.split())
