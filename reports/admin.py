"""Django admin for reports and action items."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organizations.admin_zones import OrganizationZoneAdmin, local_time_column
from reports.models import ActionItem, Report


@admin.register(Report)
class ReportAdmin(OrganizationZoneAdmin):
    organization_path = "assessment__organization"
    list_display = ("assessment", "status", "alignment_index", "band", "finished_local")
    list_select_related = ("assessment__organization",)
    list_filter = ("status", "band")
    readonly_fields = ("result", "queued_at", "started_at", "finished_at", "duration_ms", "error")

    finished_local = local_time_column(
        "finished_at",
        _("finished (organization's time)"),
    )


@admin.register(ActionItem)
class ActionItemAdmin(OrganizationZoneAdmin):
    organization_path = "assessment__organization"
    list_display = ("title", "assessment", "status", "start", "due")
    list_select_related = ("assessment__organization",)
    list_filter = ("status",)
    search_fields = ("title", "assessment__organization__name")
