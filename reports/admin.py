"""Django admin for reports and action items."""

from django.contrib import admin

from reports.models import ActionItem, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("assessment", "status", "alignment_index", "band", "finished_at")
    list_select_related = ("assessment__organization",)
    list_filter = ("status", "band")
    readonly_fields = ("result", "queued_at", "started_at", "finished_at", "duration_ms", "error")


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("title", "assessment", "status", "start", "due")
    list_select_related = ("assessment__organization",)
    list_filter = ("status",)
    search_fields = ("title", "assessment__organization__name")
