"""Deflate the PDF's streams at zlib's default level (6) rather than pydyf's level 9.

pydyf, which writes WeasyPrint's PDF, compresses every stream (page contents, fonts, the tags'
structure) with `zlib.compressobj(level=9)`. For a report, about 760 KB of streams, that is
about 32 ms; level 6 takes about 10 ms and makes the PDF about 3 % larger (3 KB of 110). Level 9
searches much longer for slightly longer matches in text as repetitive as PDF operators.

`install()` gives pydyf's module a stand-in for `zlib` whose `compressobj` caps the level at 6;
everything else is zlib's own. It only does so for the pydyf versions it was checked against
(`CHECKED_VERSIONS`); on any other the PDF is as before, only slower to make, and a test says so.
"""

from __future__ import annotations

import functools
import zlib
from typing import Any

# The pydyf versions whose use of zlib (Stream.data) this module was read against.
CHECKED_VERSIONS = ("0.13.",)
LEVEL = 6


class _CappedZlib:
    """zlib, with compression levels above `LEVEL` lowered to it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(min(level, LEVEL), *args, **kwargs)


@functools.cache
def install() -> bool:
    """Cap pydyf's compression level; return whether it is capped."""
    import pydyf  # type: ignore[import-untyped]  # ships no types

    if not pydyf.__version__.startswith(CHECKED_VERSIONS) or pydyf.zlib is not zlib:
        return False  # another pydyf, or someone else changed it: leave it alone
    pydyf.zlib = _CappedZlib()
    return True


def installed() -> bool:
    """Whether pydyf deflates at `LEVEL` in this process."""
    import pydyf

    return isinstance(pydyf.zlib, _CappedZlib)
