"""Bank text that is a plain string or a mapping by language ({en: "...", de: "..."})."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

from scoring.constants import DEFAULT_LANGUAGE

__all__ = ["Text", "localize", "text_to_data"]

Text: TypeAlias = str | Mapping[str, str]


def localize(text: Text, language: str = DEFAULT_LANGUAGE) -> str:
    """Return the text in language, else in English, else in the first language given."""
    if isinstance(text, str):
        return text
    value = text.get(language)
    if value is None:
        value = text.get(DEFAULT_LANGUAGE)
    if value is None:
        value = next(iter(text.values()), "")
    return value


def text_to_data(text: Text) -> str | dict[str, str]:
    """Return the YAML form of a text: the string, or a plain dict in the bank's order."""
    return text if isinstance(text, str) else dict(text)
