"""Each organization's time zone: validating it, listing the choices, and showing times in it.

Times are stored in UTC. Pages, e-mails, PDFs and exports of an organization show them in the
organization's zone, activated with `organization_zone_activate` in a view (the
`TimeZoneResetMiddleware` puts UTC back after every request) or `organization_zone` around work
done outside a request (tasks that render mail or PDFs).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from collections.abc import Callable

    from organizations.models import Organization

DEFAULT_TIME_ZONE = "UTC"

# The IANA areas shown as groups; the rest (Etc/…, old aliases such as US/Eastern) go under "Other".
_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@functools.cache
def time_zone_names() -> frozenset[str]:
    """Return every IANA zone name this system knows."""
    return frozenset(available_timezones())


def time_zone_validate(value: str) -> None:
    """Refuse a name that is not an IANA time zone, with a message for people."""
    if value not in time_zone_names():
        raise ValidationError(
            _(
                "“%(value)s” is not a time zone we know. Choose one from the list, "
                "for example Europe/London or America/New_York."
            ),
            code="unknown_time_zone",
            params={"value": value[:80]},
        )


@functools.cache
def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """Return the zones grouped by region for a select: UTC first, then each region's cities."""
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in _REGIONS}
    others: list[tuple[str, str]] = []
    for name in sorted(time_zone_names()):
        region, _slash, place = name.partition("/")
        if region in groups and place:
            # The full name: a closed select shows the option without its group's label.
            groups[region].append((name, name.replace("_", " ")))
        elif name != DEFAULT_TIME_ZONE:
            others.append((name, name.replace("_", " ")))
    choices: list[tuple[str, list[tuple[str, str]]] | tuple[str, str]] = [
        (DEFAULT_TIME_ZONE, "UTC")
    ]
    choices.extend((region, places) for region, places in groups.items() if places)
    choices.append(("Other", others))
    return choices


def zone_of(organization: Organization) -> ZoneInfo:
    """Return the organization's zone; a name the system no longer knows falls back to UTC."""
    name = organization.time_zone if organization.time_zone in time_zone_names() else "UTC"
    return ZoneInfo(name)


def organization_zone_activate(organization: Organization) -> None:
    """Show the rest of this request's times in the organization's zone."""
    timezone.activate(zone_of(organization))


@contextmanager
def organization_zone(organization: Organization) -> Iterator[ZoneInfo]:
    """Show times in the organization's zone inside the block, then restore the previous one."""
    zone = zone_of(organization)
    with timezone.override(zone):
        yield zone


def local_date_end(day: date, organization: Organization) -> datetime:
    """Return the last moment of a calendar day in the organization's zone (an aware datetime)."""
    return datetime.combine(day, time.max, tzinfo=zone_of(organization))


def current_zone_label(value: datetime | None = None) -> str:
    """Return the active zone's name, and its abbreviation at `value` (or now) if it has one."""
    name = timezone.get_current_timezone_name()
    local = timezone.localtime(value or timezone.now())
    abbreviation = date_format(local, "T")
    if abbreviation and abbreviation != name and abbreviation[:1] not in "+-":
        return f"{name} ({abbreviation})"
    return name


class TimeZoneResetMiddleware:
    """Start and end every request in the site's default zone.

    Views that know the organization activate its zone; without this reset a thread would carry
    one organization's zone into the next request it serves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def time_zone_context(request: HttpRequest) -> dict[str, Any]:
    """Give templates the name of the zone the page's times are in.

    Context processors run when the template renders, after the view activated its zone.
    """
    return {"time_zone_label": current_zone_label()}
