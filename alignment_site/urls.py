"""Top-level URLs: the landing page, accounts, the admin, the API and each domain's pages."""

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("app/", include("organizations.urls")),
    path("app/", include("assessments.urls")),
    path("app/", include("reports.urls")),
    path("app/", include("consultants.client_urls")),
    path("app/", include("consultants.urls")),
]
