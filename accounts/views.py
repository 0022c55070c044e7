"""The landing page, sign-up, and the "API tokens" page (a token is shown once)."""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from api import tokens
from api.forms import TokenCreateForm
from banks.selectors import bank_answer_minutes, bank_published


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
