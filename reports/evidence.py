"""Evidence that other apps add to a report's pitfalls, without reports importing them.

Apps above reports (briefs) register a source from their AppConfig.ready(); the report's content
asks for the extra lines of each fired pitfall when it is put together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assessments.models import Assessment

logger = logging.getLogger(__name__)

EvidenceSource = Callable[[Assessment], list[str]]

_sources: dict[str, list[EvidenceSource]] = {}


def pitfall_evidence_register(*, code: str, source: EvidenceSource) -> None:
    """Add a source of evidence lines for the pitfall `code` (registering twice is harmless)."""
    sources = _sources.setdefault(code, [])
    if source not in sources:
        sources.append(source)


def pitfall_evidence_extra(*, code: str, assessment: Assessment) -> list[str]:
    """Return the registered sources' evidence lines for one pitfall of the cycle."""
    lines: list[str] = []
    for source in _sources.get(code, []):
        try:
            lines.extend(source(assessment))
        except Exception:
            # A side note must never stop a report from showing.
            logger.exception("pitfall evidence source %r failed", source)
    return lines
