"""The alerts page of an organization: settings for its owners, recent drift for its readers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from alerts import services
from alerts.forms import AlertSettingsForm
from alerts.models import AlertSettings
from alerts.selectors import alert_settings_of, recent_events
from organizations.access import require_owner
from organizations.selectors import organization_get
from organizations.zones import organization_zone_activate


@login_required
@require_http_methods(["GET", "POST"])
def alert_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    require_owner(request, organization)
    organization_zone_activate(organization)
    current = alert_settings_of(organization=organization)
    form = AlertSettingsForm(
        request.POST or None,
        initial={"kinds": current.kinds},
        current_url=current.webhook_url,
    )
    if request.method == "POST" and form.is_valid():
        AlertSettings.objects.update_or_create(
            organization=organization,
            defaults={
                "kinds": form.cleaned_data["kinds"],
                "webhook_url": form.new_webhook_url(),
                "updated_by": request.user,
            },
        )
        messages.success(request, _("The alert settings are saved."))
        return redirect("alerts:settings", pk=organization.pk)
    events = [
        (event, services.describe(event)) for event in recent_events(organization=organization)[:50]
    ]
    return render(
        request,
        "alerts/settings.html",
        {"organization": organization, "form": form, "events": events},
    )
