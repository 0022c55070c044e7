"""What of the engine's result the API may show without exposing a small group's answers."""

from __future__ import annotations

import copy
from typing import Any

from reports.services import MIN_GROUP_SIZE

GROUP_LEVELS = ("manager", "staff")


def result_for_api(result: dict[str, Any]) -> dict[str, Any]:
    """Return the result with managers' and staff's own means removed unless both groups are
    large enough to be shown apart, as in the web report (DESIGN.md §8).

    The engine keeps per-level means for every area and question so the report can be built;
    with one manager, the "manager" mean is that person's answer. Owners stay: the report
    shows them as themselves. Pooled figures (scores, perception gaps' "others") are kept.
    """
    counts = result.get("respondents") or {}
    if all(counts.get(level, 0) >= MIN_GROUP_SIZE for level in GROUP_LEVELS):
        return result
    shown = copy.deepcopy(result)
    for dimension in (shown.get("dimensions") or {}).values():
        for area in (dimension.get("areas") or {}).values():
            _drop_groups(area)
            for contribution in area.get("contributions") or []:
                _drop_groups(contribution)
    return shown


def _drop_groups(row: dict[str, Any]) -> None:
    means = row.get("level_means")
    if isinstance(means, dict):
        row["level_means"] = {k: v for k, v in means.items() if k not in GROUP_LEVELS}
