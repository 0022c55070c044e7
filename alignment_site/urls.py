"""Top-level URLs: accounts, the admin and the assessments app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.forms import EmailAuthenticationForm
from assessments.views import organizations as organization_views
from assessments.views import tokens as token_views

urlpatterns = [
    path("", organization_views.home, name="home"),
    path("accounts/signup/", organization_views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("accounts/tokens/", token_views.token_list, name="tokens"),
    path("accounts/tokens/<str:token_key>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("assessments.api.urls")),
    path("app/", include("assessments.urls")),
    path("app/", include("assessments.report_urls")),
    path("app/", include("assessments.client_urls")),
    path("app/", include("assessments.consultant_urls")),
]
