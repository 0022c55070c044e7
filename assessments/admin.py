"""Django admin for assessment cycles."""

from django.contrib import admin

from assessments.models import Assessment, Response


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    fields = ("level", "user", "invitation", "submitted_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("label", "organization", "status", "bank", "created_at", "closed_at")
    list_filter = ("status", "bank")
    search_fields = ("label", "organization__name")
    list_select_related = ("organization", "bank")
    readonly_fields = ("strategy_snapshot", "created_at", "closed_at")
    inlines = (ResponseInline,)
