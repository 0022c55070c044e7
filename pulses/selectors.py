"""Reads of pulses: the cadence, an organization's pulses, area trends and drops for alerts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.selectors import organizations_for_user
from pulses.models import Pulse, PulseAnswer, PulseLink, PulseSettings
from reports.selectors import assessment_latest_scored

# A drop at or above the threshold counts, whatever the float noise of the sums.
_EPSILON = 1e-9


def pulse_cadence_of(*, organization: Organization) -> str:
    """Return the organization's cadence ("off" when it never chose one)."""
    cadence = (
        PulseSettings.objects.filter(organization=organization)
        .values_list("cadence", flat=True)
        .first()
    )
    return cadence or PulseSettings.Cadence.OFF


def pulses_of(*, organization: Organization) -> QuerySet[Pulse]:
    """Return the organization's pulses, newest first, with how many links each has."""
    return (
        Pulse.objects.filter(organization=organization)
        .select_related("assessment")
        .annotate(link_count=Count("links"))
        .order_by("-opened_at", "-pk")
    )


def pulse_running(*, organization: Organization) -> Pulse | None:
    """Return the organization's open pulse with its link count, if one runs."""
    return pulses_of(organization=organization).filter(closed_at__isnull=True).first()


def pulse_get(*, user: User | AnonymousUser, pk: int) -> Pulse:
    """Return one pulse of an organization the user may see, or raise Http404."""
    return get_object_or_404(
        Pulse.objects.select_related("organization", "assessment"),
        pk=pk,
        organization__in=organizations_for_user(user=user),
    )


def link_answers(*, link: PulseLink) -> dict[int, int | None]:
    """Return the link's saved answers by question id (None: "don't know")."""
    return dict(PulseAnswer.objects.filter(link=link).values_list("question_id", "current"))


def link_last_seq(*, link: PulseLink) -> int:
    """Return the highest change number stored for the link (0 before the first answer)."""
    seqs = PulseAnswer.objects.filter(link=link).order_by("-client_seq")
    return seqs.values_list("client_seq", flat=True).first() or 0


# --- The trend per area ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrendPoint:
    label: str
    on: date
    score: float | None  # None: this pulse did not ask about the area
    pulse_id: int | None  # None for the full cycle
    is_open: bool = False


@dataclass(frozen=True, slots=True)
class AreaSeries:
    code: str
    title: str
    points: tuple[TrendPoint, ...]


def area_trend(*, organization: Organization) -> list[AreaSeries]:
    """Return, per area a pulse touched, the last full cycle's score and then each pulse's.

    Pulses count from the last full cycle on, oldest first, when their results may be shown
    (three people other than the owner answered): every closed one, and the open one so far,
    marked as open. Areas come in bank order. Three queries.
    """
    assessment = assessment_latest_scored(organization=organization)
    if assessment is None:
        return []
    pulses = list(
        Pulse.objects.filter(
            organization=organization, assessment=assessment, result__isnull=False
        ).order_by("opened_at", "pk")
    )
    if not pulses:
        return []
    result = assessment.report.result or {}
    cycle: dict[str, tuple[str, float | None]] = {}
    for dimension in (result.get("dimensions") or {}).values():
        for code, area in (dimension.get("areas") or {}).items():
            cycle[code] = (area.get("title") or code, area.get("score"))
    touched = {code for pulse in pulses for code in (pulse.result or {}).get("areas", {})}
    cycle_day = timezone.localdate(assessment.closed_at or assessment.created_at)
    series = []
    for code, (title, score) in cycle.items():
        if code not in touched:
            continue
        points = [TrendPoint(label=assessment.label, on=cycle_day, score=score, pulse_id=None)]
        for pulse in pulses:
            area = (pulse.result or {}).get("areas", {}).get(code)
            points.append(
                TrendPoint(
                    label=pulse_label(pulse),
                    on=timezone.localdate(pulse.opened_at),
                    score=area.get("score") if area else None,
                    pulse_id=pulse.pk,
                    is_open=pulse.is_open,
                )
            )
        series.append(AreaSeries(code=code, title=title, points=tuple(points)))
    return series


def pulse_label(pulse: Pulse) -> str:
    """Return the short name a pulse has on charts and tables, e.g. "Pulse 2026-12-01".

    The day stays in ISO form: short and read the same way in every language.
    """
    return _("Pulse %(day)s") % {"day": timezone.localdate(pulse.opened_at).isoformat()}


# --- Drops, for drift alerts -------------------------------------------------------------------


def latest_area_drops(
    organization_ids: Iterable[int], threshold: float = 10
) -> dict[int, list[tuple[str, float, float, int]]]:
    """Return, per organization, the areas its latest closed pulse scored `threshold` or more
    below their previous measurement: (area code, previous, current, pulse id), by area code.

    Only pulses whose results may be shown count. The previous measurement (the last earlier
    pulse that asked about the area, else the full cycle) is stored with the result, so this is
    one query however many organizations, pulses and areas there are. Organizations without a
    drop are left out.
    """
    ids = list(organization_ids)
    if not ids:
        return {}
    shown = Q(closed_at__isnull=False, result__isnull=False)
    latest = (
        Pulse.objects.filter(shown, organization_id=OuterRef("organization_id"))
        .order_by("-closed_at", "-pk")
        .values("pk")[:1]
    )
    rows = (
        Pulse.objects.filter(shown, organization_id__in=ids, pk=Subquery(latest))
        .order_by("organization_id")
        .values_list("pk", "organization_id", "result")
    )
    drops: dict[int, list[tuple[str, float, float, int]]] = {}
    for pulse_id, organization_id, result in rows:
        for code, area in sorted(((result or {}).get("areas") or {}).items()):
            previous, current = area.get("previous"), area.get("score")
            if previous is None or current is None:
                continue
            if previous - current >= threshold - _EPSILON:
                drops.setdefault(organization_id, []).append((code, previous, current, pulse_id))
    return drops
