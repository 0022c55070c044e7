"""URLs of pulses, mounted under /app/: the personal links and the organization's pages."""

from django.urls import path

from pulses import views

app_name = "pulses"

urlpatterns = [
    path("organizations/<int:pk>/pulses/", views.pulse_list, name="list"),
    path("organizations/<int:pk>/pulses/cadence/", views.cadence, name="cadence"),
    path("pulses/<int:pk>/", views.pulse_detail, name="detail"),
    # People answering have no account: the token in the link is their key.
    path("pulse/thanks/", views.thanks, name="thanks"),
    path("pulse/<str:token>/", views.respond, name="respond"),
    path("pulse/<str:token>/save/", views.save, name="save"),
    path("pulse/<str:token>/submit/", views.submit, name="submit"),
]
