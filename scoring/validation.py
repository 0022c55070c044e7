"""Small checks shared by the bank validator, the condition parser and the input parser."""

from __future__ import annotations

import math
from typing import TypeGuard

__all__ = ["is_int", "is_number", "join_path", "parent_path", "type_name"]


def type_name(value: object) -> str:
    """Return the name of a value's type as a bank or input author knows it ('null', 'str')."""
    return "null" if value is None else type(value).__name__


def is_int(value: object) -> TypeGuard[int]:
    """Return whether value is an integer (a bool is not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[int | float]:
    """Return whether value is a finite int or float (a bool is not)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def join_path(parent: str, key: object) -> str:
    """Return the dotted path of key under parent ('' is the top)."""
    return f"{parent}.{key}" if parent else str(key)


def parent_path(path: str) -> str:
    """Return the path one level up: 'a.b[2]' -> 'a.b', 'a.b' -> 'a', 'a' -> ''."""
    if path.endswith("]") and "[" in path:
        return path[: path.rindex("[")]
    return path[: path.rfind(".")] if "." in path else ""
