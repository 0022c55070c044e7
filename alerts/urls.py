"""URLs of the drift alerts, mounted under /app/."""

from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("organizations/<int:pk>/alerts/", views.alert_settings, name="settings"),
]
