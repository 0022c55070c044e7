"""Keep every log record on its own line: control characters in logged values are escaped.

A request path such as `/app/x%0D%0A2026-01-01 WARNING login succeeded ...` arrives decoded, and
written as it is it would add a forged line to the security log. The filter formats the message
once, escapes what a terminal or a log reader would act on, and leaves the record with no
arguments, so every handler that comes after writes the escaped text.
"""

from __future__ import annotations

import logging
import re

__all__ = ["ControlCharacterFilter", "escape_controls"]

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# In a traceback the newline is structure; other controls are still escaped.
_CONTROLS_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def escape_controls(text: str) -> str:
    """Return text with every control character written as a visible escape (\\r, \\n, \\x1b)."""
    return _CONTROLS.sub(_escape, text)


class ControlCharacterFilter(logging.Filter):
    """Escape control characters in a record's message and exception text; never drop a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_controls_escaped", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's own error to report
            return True
        record.msg, record.args = escape_controls(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _CONTROLS_BUT_NEWLINE.sub(_escape, record.exc_text)
        if record.stack_info:
            record.stack_info = _CONTROLS_BUT_NEWLINE.sub(_escape, record.stack_info)
        record._controls_escaped = True
        return True
