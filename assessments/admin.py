"""Django admin: question banks (a whole area on one page), organizations, assessments."""

from django.contrib import admin

from assessments import models

QUESTION_FIELDSETS = (
    (None, {"fields": ("code", "text", "help", "weight", "position", "continues")}),
    (
        "What each strategy needs (targets, 1–5)",
        {
            "fields": (
                (
                    "target_operational_excellence",
                    "target_product_leadership",
                    "target_customer_intimacy",
                ),
            )
        },
    ),
    (
        "SMART action template",
        {
            "fields": (
                "action_title",
                "action_specific",
                ("action_kpi", "action_unit"),
                "action_owner_role",
                ("action_effort", "action_effort_days", "action_duration_weeks"),
            )
        },
    ),
)


class DimensionInline(admin.TabularInline):
    model = models.Dimension
    extra = 0
    fields = ("position", "code", "title", "weight")
    show_change_link = True


class RuleInline(admin.StackedInline):
    model = models.ConsistencyRule
    extra = 0
    fields = (("code", "severity", "position"), "message", "condition")


@admin.register(models.QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ("slug", "version", "title", "status", "published_at")
    list_filter = ("status", "slug")
    search_fields = ("slug", "title")
    readonly_fields = ("published_at", "created_at", "copied_from")
    inlines = (DimensionInline, RuleInline)


class AreaInline(admin.TabularInline):
    model = models.Area
    extra = 0
    fields = ("position", "code", "title", "weight")
    show_change_link = True


@admin.register(models.Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "bank", "weight")
    list_filter = ("bank",)
    search_fields = ("code", "title")
    inlines = (AreaInline,)


class QuestionInline(admin.StackedInline):
    model = models.Question
    extra = 0
    fieldsets = QUESTION_FIELDSETS
    show_change_link = True


@admin.register(models.Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "dimension", "weight")
    list_filter = ("dimension__bank", "dimension__code")
    search_fields = ("code", "title")
    inlines = (QuestionInline,)


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("code", "short_text", "area", "weight")
    list_filter = ("area__dimension__bank", "area__dimension__code", "area__code")
    search_fields = ("code", "text", "help")
    list_select_related = ("area__dimension__bank",)
    fieldsets = ((None, {"fields": ("area",)}), *QUESTION_FIELDSETS)

    @admin.display(description="statement")
    def short_text(self, obj: models.Question) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:77] + "…"


@admin.register(models.ConsistencyRule)
class ConsistencyRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "severity", "bank")
    list_filter = ("bank", "severity")
    search_fields = ("code", "message")


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ("user",)


class ConsultantAccessInline(admin.TabularInline):
    model = models.ConsultantAccess
    extra = 0
    fields = ("email", "consultant", "granted_by", "accepted_at", "revoked_at")
    readonly_fields = ("granted_by",)


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "industry", "size_band", "capacity_days_per_month", "created_at")
    list_filter = ("industry", "size_band")
    search_fields = ("name",)
    inlines = (MembershipInline, ConsultantAccessInline)


@admin.register(models.StrategyProfile)
class StrategyProfileAdmin(admin.ModelAdmin):
    list_display = ("organization", "value_discipline", "primary_value", "segment")
    list_filter = ("value_discipline", "primary_value")


class ResponseInline(admin.TabularInline):
    model = models.Response
    extra = 0
    fields = ("level", "user", "invitation", "submitted_at")
    readonly_fields = fields
    can_delete = False


@admin.register(models.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("label", "organization", "status", "bank", "created_at", "closed_at")
    list_filter = ("status", "bank")
    search_fields = ("label", "organization__name")
    list_select_related = ("organization", "bank")
    readonly_fields = ("strategy_snapshot", "created_at", "closed_at")
    inlines = (ResponseInline,)


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("assessment", "status", "alignment_index", "band", "finished_at")
    list_filter = ("status", "band")
    readonly_fields = ("result", "queued_at", "started_at", "finished_at", "duration_ms", "error")


@admin.register(models.ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("title", "assessment", "status", "start", "due")
    list_filter = ("status",)
    search_fields = ("title", "assessment__organization__name")
