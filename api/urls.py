"""URLs under /api/: the endpoints, the OpenAPI schema and its browsable docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# One representation, JSON: no ".json" twins of every URL for the schema to leave out.
router.include_format_suffixes = False
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("results", views.ResultViewSet, basename="result")
router.register("action-items", views.ActionItemViewSet, basename="action-item")
router.register("kpi-readings", views.KpiReadingViewSet, basename="kpi-reading")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script as a file: the strict CSP forbids inline ones.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="accounts/api_docs.html"
        ),
        name="docs",
    ),
    path("", include(router.urls)),
]
