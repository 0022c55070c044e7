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
]
