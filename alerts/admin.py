from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from alerts.models import AlertSettings, Digest, DriftEvent, WebhookPost
from alerts.webhooks import masked


@admin.register(DriftEvent)
class DriftEventAdmin(admin.ModelAdmin):
    list_display = ("organization", "kind", "subject", "period", "created_at")
    list_filter = ("kind",)
    search_fields = ("organization__name",)
    readonly_fields = ("organization", "kind", "subject", "period", "detail", "created_at")


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "webhook", "updated_at")
    exclude = ("webhook_url",)  # a secret: the admin shows it masked, like the app
    readonly_fields = ("webhook",)

    @admin.display(description=_("webhook"))
    def webhook(self, obj: AlertSettings) -> str:
        return masked(obj.webhook_url)


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("recipient", "week", "created_at", "sent_at")
    readonly_fields = ("recipient", "week", "events", "created_at", "sent_at")


@admin.register(WebhookPost)
class WebhookPostAdmin(admin.ModelAdmin):
    list_display = ("organization", "week", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status",)
    readonly_fields = ("organization", "week", "events", "status", "attempts", "last_error")
