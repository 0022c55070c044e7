"""Building the result's NamedTuple records in bulk (internal to scoring)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat
from typing import Any, TypeVar

__all__ = ["records"]

_Record = TypeVar("_Record", bound=tuple[Any, ...])


def records(record_type: type[_Record], rows: Iterable[tuple[Any, ...]]) -> list[_Record]:
    """Return one NamedTuple of record_type per row of field values, in order.

    tuple.__new__ takes each row as it is, where calling the class goes through its generated
    Python __new__ at about twice the cost; an assessment builds these records by the dozen.
    Every row must hold all the fields, in order (nothing checks that here).
    """
    return list(map(tuple.__new__, repeat(record_type), rows))
