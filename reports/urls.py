"""URLs of the report pages, mounted under /app/ beside the assessments app."""

from django.urls import path

from reports import views as report_views

app_name = "reports"

urlpatterns = [
    path("assessments/<int:pk>/report/", report_views.report_detail, name="report"),
    path("assessments/<int:pk>/report/status/", report_views.report_status, name="status"),
    path("assessments/<int:pk>/report/pdf/", report_views.report_pdf_download, name="pdf"),
    path("assessments/<int:pk>/report/rebuild/", report_views.report_rebuild, name="rebuild"),
    path("actions/<int:pk>/", report_views.action_item_row, name="action_row"),
    path("actions/<int:pk>/edit/", report_views.action_item_edit, name="action_edit"),
    path("actions/<int:pk>/kpi/", report_views.kpi_item, name="kpi"),
    path(
        "actions/<int:pk>/kpi/readings/<int:reading>/delete/",
        report_views.kpi_reading_remove,
        name="kpi_reading_delete",
    ),
    path("organizations/<int:pk>/kpi/upload/", report_views.kpi_upload, name="kpi_upload"),
]
