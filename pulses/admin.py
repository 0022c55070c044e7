from django.contrib import admin

from pulses.models import Pulse, PulseSettings


@admin.register(PulseSettings)
class PulseSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "cadence", "updated_at")
    list_filter = ("cadence",)


@admin.register(Pulse)
class PulseAdmin(admin.ModelAdmin):
    list_display = ("organization", "period_start", "opened_at", "closed_at", "respondents")
    list_filter = ("closed_at",)
    # Links carry only token hashes and answers stay anonymous: nothing to edit by hand.
    readonly_fields = ("result",)
