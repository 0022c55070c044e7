"""The admin shows an organization's times as its pages do: in its zone, with the zone named.

A list can hold rows of organizations in different zones, so its time columns convert row by
row (`local_time_column`). A change form is about one organization: it is rendered (and its
date-time inputs read) with that organization's zone active, and says so at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.zones import zone_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TIME_FORMAT = "j M Y, H:i T"


def organization_of(obj: Model, path: str) -> Organization | None:
    """Follow `path` (``"assessment__organization"``; empty for an organization) from obj."""
    target: Any = obj
    for part in filter(None, path.split("__")):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if isinstance(target, Organization) else None


def local_time_column(field: str, description: StrOrPromise) -> Callable[[Any, Model], str]:
    """Return a list column showing `field` in the row's organization's zone, zone named."""

    @admin.display(description=description, ordering=field)
    def column(model_admin: Any, obj: Model) -> str:
        value = getattr(obj, field)
        if value is None:
            return model_admin.get_empty_value_display()
        organization = organization_of(obj, model_admin.organization_path)
        zone = zone_of(organization) if organization else timezone.get_current_timezone()
        return date_format(timezone.localtime(value, zone), TIME_FORMAT)

    column.__name__ = f"{field}_local"
    return column


class OrganizationZoneAdmin(admin.ModelAdmin):
    """A model admin whose rows belong to one organization each, reached by `organization_path`."""

    organization_path = "organization"

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id) if object_id else None
        organization = organization_of(obj, self.organization_path) if obj else None
        if organization is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(zone_of(organization)):
            if request.method == "GET":
                messages.info(
                    request,
                    _("Times on this page are in %(zone)s, the time zone of %(organization)s.")
                    % {"zone": organization.time_zone, "organization": organization.name},
                )
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # A TemplateResponse renders later; render it while the zone is still active.
            render = getattr(response, "render", None)
            if callable(render):
                render()
            return response
