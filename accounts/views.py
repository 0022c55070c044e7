"""The landing page, sign-up, and the "API tokens" page (a token is shown once)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import SignupForm
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
    messages.success(request, f"Token {token_key}… is revoked: it no longer works.")
    return redirect("tokens")


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("organizations:home")
    minutes = bank_answer_minutes(bank=bank_published())
    return render(request, "home.html", {"answer_minutes": minutes})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("organizations:organization_create")
    return render(request, "registration/signup.html", {"form": form})
