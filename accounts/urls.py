"""URLs of accounts: django-allauth's pages (sign-up, log-in, verification, reset, MFA) and API
tokens. The short names (login, signup, logout, password_reset) stay for the site's templates."""

from allauth.account import views as allauth_views
from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", allauth_views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("password/reset/", allauth_views.password_reset, name="password_reset"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<str:token_key>/revoke/", views.token_revoke, name="token_revoke"),
    path("", include("allauth.urls")),
]
