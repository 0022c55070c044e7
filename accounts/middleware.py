"""Rules every request of a logged-in person passes: the account's address is verified, a staff
user has a second factor before the Django admin opens, and pages speak the stored language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import services
from organizations.languages import CHOSEN_ATTRIBUTE

ADMIN_PREFIX = "/admin/"


class VerifiedAccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if not services.session_is_verified(request=request, user=user):
                # A session from before verification was required, for an address nobody has
                # proved: it ends here, and the next log-in mails the verification link.
                logout(request)
                messages.warning(
                    request,
                    _(
                        "Please confirm your e-mail address: log in again and we will mail you a link."
                    ),
                )
                return redirect("account_login")
            if (
                request.path.startswith(ADMIN_PREFIX)
                and user.is_staff
                and not services.user_has_mfa(user=user)
            ):
                messages.info(
                    request,
                    _("The admin needs two-factor log-in: set up an authenticator app first."),
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


# Set by the log-in receiver: the response carries the stored language as the switcher's cookie.
LANGUAGE_COOKIE_PENDING = "_language_cookie"


class UserLanguageMiddleware:
    """Show a logged-in user's pages in the language stored on their account.

    Runs after LocaleMiddleware (which took the cookie or the browser's language) and after
    authentication. A user who stored no language keeps what LocaleMiddleware chose. The stored
    language is read once per session (accounts.services.session_language).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            code = services.session_language(request=request, user=user)
            if code:
                translation.activate(code)
                request.LANGUAGE_CODE = code
                setattr(request, CHOSEN_ATTRIBUTE, True)
        response = self.get_response(request)
        pending = getattr(request, LANGUAGE_COOKIE_PENDING, None)
        if pending:
            language_cookie_set(response, pending)
        return response


def language_cookie_set(response: HttpResponse, code: str) -> None:
    """Put the language in the cookie Django's LocaleMiddleware and set_language use."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
