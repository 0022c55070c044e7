"""URLs of one client's dashboard and exports, mounted under /app/."""

from django.urls import path, re_path

from consultants.views import clients as client_views

app_name = "clients"

urlpatterns = [
    path("clients/<int:pk>/", client_views.client_dashboard, name="dashboard"),
    re_path(
        r"^clients/(?P<pk>\d+)/export/results\.(?P<fmt>csv|xlsx)$",
        client_views.results_export,
        name="results_export",
    ),
    re_path(
        r"^clients/(?P<pk>\d+)/export/answers\.(?P<fmt>csv|xlsx)$",
        client_views.raw_answers_export,
        name="raw_answers_export",
    ),
    re_path(
        r"^clients/(?P<pk>\d+)/export/action-plan\.(?P<fmt>csv|xlsx|ics)$",
        client_views.actions_export,
        name="actions_export",
    ),
]
