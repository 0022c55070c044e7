"""URLs of accounts: sign-up, log-in (Django's auth views) and API tokens."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from accounts.forms import EmailAuthenticationForm

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<str:token_key>/revoke/", views.token_revoke, name="token_revoke"),
    path("", include("django.contrib.auth.urls")),
]
