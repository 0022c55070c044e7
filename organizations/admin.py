"""Django admin for organizations and their strategy."""

from django.contrib import admin

from consultants.admin import ConsultantAccessInline
from organizations.models import Membership, Organization, StrategyProfile


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "industry", "size_band", "capacity_days_per_month", "created_at")
    list_filter = ("industry", "size_band")
    search_fields = ("name",)
    inlines = (MembershipInline, ConsultantAccessInline)


@admin.register(StrategyProfile)
class StrategyProfileAdmin(admin.ModelAdmin):
    list_display = ("organization", "value_discipline", "primary_value", "segment")
    list_filter = ("value_discipline", "primary_value")
