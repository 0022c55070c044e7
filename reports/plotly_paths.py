"""Parse each of Plotly's property paths ("margin.l", "paper_bgcolor") once per process.

Plotly (7 at least) parses the path of every property it sets, and for every path with a dot
or an underscore it defines a new class on each call (`_plotly_utils.utils.chomp_empty_strings`):
about 800 paths and 900 classes a report, a quarter of the web figures' time, and each class is
cyclic garbage for the collector afterwards. A path's parts depend on nothing but its text, so
`install()` puts a cache in front of Plotly's parser; the list it returns beside the parts is
copied for every caller. It only does so for the Plotly versions this was checked against; on
any other the figures are the same, only slower, and `installed()` says so (a test fails).
"""

from __future__ import annotations

import functools
from typing import Any

# The Plotly versions whose path parser this module was read against and tested with.
CHECKED_VERSIONS = ("7.",)


@functools.cache
def install() -> bool:
    """Put the cached path parser into Plotly; return whether it is in."""
    import plotly
    import plotly.basedatatypes as base

    original = base._str_to_dict_path_full
    if not plotly.__version__.startswith(CHECKED_VERSIONS) or hasattr(original, "original"):
        return False
    cached = functools.lru_cache(maxsize=4096)(original)

    def parse(key_path_str: Any) -> tuple[tuple[str | int, ...], list[Any]]:
        parts, positions = cached(key_path_str)
        return parts, list(positions)

    parse.original = original  # type: ignore[attr-defined]
    base._str_to_dict_path_full = parse
    return True


def installed() -> bool:
    """Whether Plotly's property paths are parsed through the cache in this process."""
    import plotly.basedatatypes as base

    return hasattr(base._str_to_dict_path_full, "original")
