"""Django admin for consultant grants."""

from django.contrib import admin

from consultants.models import ConsultantAccess


class ConsultantAccessInline(admin.TabularInline):
    model = ConsultantAccess
    extra = 0
    fields = ("email", "consultant", "granted_by", "accepted_at", "revoked_at")
    readonly_fields = ("granted_by",)
