"""The landing page, sign-up, and the "API tokens" page (a token is shown once)."""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts import services
from accounts.http import AuthenticatedHttpRequest
from api import tokens
from api.forms import TokenCreateForm
from banks.selectors import bank_answer_minutes, bank_published
from organizations.languages import language_supported


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _row, new_token = tokens.api_token_create(
                user=request.user, days=form.cleaned_data["days"]
            )
        except tokens.TokenLimitError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenCreateForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": tokens.api_tokens_for_user(user=request.user),
    }
    response = render(request, "accounts/tokens.html", context)
    # The page may hold a token's text: no cache may keep a copy.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_key: str) -> HttpResponse:
    tokens.api_token_revoke(user=request.user, token_key=token_key)
    messages.success(
        request, _("Token %(key)s… is revoked: it no longer works.") % {"key": token_key}
    )
    return redirect("tokens")


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("organizations:home")
    minutes = bank_answer_minutes(bank=bank_published())
    return render(request, "home.html", {"answer_minutes": minutes})


class LoginView(AllauthLoginView):
    """allauth's log-in, answering 429 while the failure limit holds, as the API does."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        codes = {error.code for error in form.non_field_errors().as_data()}
        if "too_many_login_attempts" in codes:
            response.status_code = 429
        return response


login_view = LoginView.as_view()


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the language (Django's set_language) and store it on a logged-in user's account.

    Django's view sets the cookie and redirects to `next` only on this site; a code that is not
    one of the site's languages changes nothing.
    """
    code = language_supported(request.POST.get("language"))
    response = set_language(request)
    if code is None or request.POST.get("language") != code:
        # Django accepts any language it has translations for; this site speaks four.
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        return response
    if request.user.is_authenticated:
        services.user_language_save(user=request.user, language=code, request=request)
    return response
