"""Django admin for organizations and their strategy."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consultants.admin import ConsultantAccessInline
from organizations.admin_zones import OrganizationZoneAdmin, local_time_column
from organizations.models import Membership, Organization, StrategyProfile


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(OrganizationZoneAdmin):
    organization_path = ""
    list_display = (
        "name",
        "industry",
        "size_band",
        "capacity_days_per_month",
        "time_zone",
        "created_local",
    )
    list_filter = ("industry", "size_band")
    search_fields = ("name",)
    inlines = (MembershipInline, ConsultantAccessInline)

    created_local = local_time_column("created_at", _("created (organization's time)"))


@admin.register(StrategyProfile)
class StrategyProfileAdmin(OrganizationZoneAdmin):
    list_display = ("organization", "value_discipline", "primary_value", "segment")
    list_filter = ("value_discipline", "primary_value")
