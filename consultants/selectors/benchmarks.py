"""Peer benchmarks: a client's scores against the spread of comparable organizations.

Only distributions leave this module (median and quartiles), never a single organization's name
or score, and only for groups large enough that no peer stands out. Textbook quantiles of five
values are three of the peers' own scores; here every figure blends at least two peers (see
`blended_quantile`) and is rounded to whole points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from consultants.selectors.client_dashboard import code_order
from organizations.models import Organization
from reports.numbers import points
from reports.selectors import NEWEST_FIRST, reports_scored

# Fewer peers than this and even blended quartiles come too close to single businesses.
MIN_BLENDED = 3


@dataclass(frozen=True, slots=True)
class Spread:
    """The distribution of one score across a peer group: quartiles, never the points."""

    code: str  # "index" or a dimension code
    title: str
    peers: int
    lower_quartile: int
    median: int
    upper_quartile: int
    own: int | None

    @property
    def position(self) -> str:
        """Return where the client's own score falls, in words."""
        if self.own is None:
            return _("no score")
        if self.own < self.lower_quartile:
            return _("bottom quarter")
        if self.own > self.upper_quartile:
            return _("top quarter")
        return _("above the median") if self.own >= self.median else _("below the median")


@dataclass(frozen=True, slots=True)
class PeerGroup:
    kind: str  # "industry" | "size"
    label: str
    peers: int  # other organizations with a ready report
    shown: bool
    minimum: int
    scores: list[Spread]


def peer_benchmarks(*, organization: Organization, min_peers: int | None = None) -> list[PeerGroup]:
    """Return the industry group and the size-band group of the organization's peers."""
    minimum = settings.BENCHMARK_MIN_PEERS if min_peers is None else min_peers
    minimum = max(minimum, MIN_BLENDED)  # a quartile of two peers would be one of them
    own = _latest_summaries({"pk": organization.pk}).get(organization.pk)
    groups = [
        (
            "industry",
            # Translators: a peer group, e.g. "Bakery businesses"; shown as "Against …".
            _("%(industry)s businesses") % {"industry": organization.get_industry_display()},
            {"industry": organization.industry},
        ),
        (
            "size",
            # Translators: a peer group, e.g. "businesses of 10–49 people"; shown as "Against …".
            _("businesses of %(size)s") % {"size": organization.get_size_band_display()},
            {"size_band": organization.size_band},
        ),
    ]
    return [
        _group(kind, label, filters, organization=organization, own=own, minimum=minimum)
        for kind, label, filters in groups
    ]


def _group(
    kind: str,
    label: str,
    filters: dict[str, Any],
    *,
    organization: Organization,
    own: Mapping[str, Any] | None,
    minimum: int,
) -> PeerGroup:
    latest = _latest_summaries(filters)
    latest.pop(organization.pk, None)  # the client is measured against the others
    peers = list(latest.values())
    shown = len(peers) >= minimum
    scores: list[Spread] = []
    if shown:
        index = _spread(
            "index",
            _("Alignment index"),
            [p["alignment_index"] for p in peers],
            own["alignment_index"] if own else None,
            minimum,
        )
        if index is not None:
            scores.append(index)
        own_dimensions = (own or {}).get("dimension_scores") or {}
        positions = code_order(bank_ids={own["assessment__bank_id"]} if own else set())
        for code in sorted(own_dimensions, key=positions):
            entry = own_dimensions[code]
            values = [((p["dimension_scores"] or {}).get(code) or {}).get("score") for p in peers]
            spread = _spread(code, entry.get("title") or code, values, entry.get("score"), minimum)
            if spread is not None:
                scores.append(spread)
    return PeerGroup(
        kind=kind, label=label, peers=len(peers), shown=shown, minimum=minimum, scores=scores
    )


def blended_quantile(ordered: Sequence[float], fraction: float) -> float:
    """Return the quantile at `fraction` of sorted values, always a blend of two or more.

    The position is `fraction · (n − 1)`. Between two peers, the value is interpolated between
    them; on a peer, where the textbook quantile would be that peer's own score, it is the
    mean of that peer and its two neighbours.
    """
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    if position != below:
        share = position - below
        return ordered[below] * (1 - share) + ordered[below + 1] * share
    first, last = max(0, below - 1), min(len(ordered) - 1, below + 1)
    window = ordered[first : last + 1]
    return sum(window) / len(window)


def _spread(
    code: str, title: str, values: list[float | None], own: float | None, minimum: int
) -> Spread | None:
    present = sorted(v for v in values if v is not None)
    # A dimension that too few peers scored would narrow the group below the threshold.
    if len(present) < max(minimum, MIN_BLENDED):
        return None
    lower, median, upper = (blended_quantile(present, f) for f in (0.25, 0.5, 0.75))
    return Spread(
        code=code,
        title=title,
        peers=len(present),
        lower_quartile=points(lower),
        median=points(median),
        upper_quartile=points(upper),
        own=points(own),
    )


def _latest_summaries(filters: dict[str, Any]) -> dict[int, Mapping[str, Any]]:
    """Return {organization id: summary of its newest ready report} for matching organizations."""
    rows = (
        reports_scored()
        .filter(assessment__organization__in=Organization.objects.filter(**filters))
        .order_by("assessment__organization_id", *NEWEST_FIRST)
        .values(
            "assessment__organization_id",
            "assessment__bank_id",
            "alignment_index",
            "dimension_scores",
        )
    )
    latest: dict[int, Mapping[str, Any]] = {}
    for row in rows:
        latest.setdefault(row["assessment__organization_id"], row)
    return latest
