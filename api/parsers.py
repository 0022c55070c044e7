"""The API's JSON parser: a body Python can parse but the database cannot store is a 400.

`json` accepts a lone surrogate escape ("\\ud800") and "\\u0000", which no UTF-8 column (and
no PostgreSQL text) can hold, and it raises RecursionError, not ValueError, on a body nested a
few thousand levels deep. Either used to end in a 500; here each is a ParseError with a message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

__all__ = ["StrictJSONParser"]

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_string(data: Any) -> str | None:
    """Return the first string (key or value) that holds NUL or a lone surrogate, or None."""
    pending = [data]
    while pending:  # a loop, not recursion: the body may be nested up to json's own limit
        node = pending.pop()
        if isinstance(node, str):
            if _UNSTORABLE.search(node):
                return node
        elif isinstance(node, Mapping):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return None


class StrictJSONParser(JSONParser):
    """JSONParser that answers 400 for bodies nested too deeply or holding unstorable text."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        except UnicodeError:
            raise ParseError(_("JSON parse error - the body is not UTF-8 text.")) from None
        if _unstorable_string(data) is not None:
            raise ParseError(
                _(
                    "JSON parse error - a string holds a NUL character or a lone surrogate "
                    "(\\u0000 or \\ud800-\\udfff), which is not text."
                )
            )
        return data
