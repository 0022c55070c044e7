"""Django admin for assessment cycles."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Response
from organizations.admin_zones import OrganizationZoneAdmin, local_time_column


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    fields = ("level", "user", "invitation", "submitted_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(OrganizationZoneAdmin):
    list_display = ("label", "organization", "status", "bank", "created_local", "closed_local")
    list_filter = ("status", "bank")
    search_fields = ("label", "organization__name")
    list_select_related = ("organization", "bank")
    readonly_fields = ("strategy_snapshot", "created_at", "closed_at")
    inlines = (ResponseInline,)

    created_local = local_time_column("created_at", _("created (organization's time)"))
    closed_local = local_time_column("closed_at", _("closed (organization's time)"))
