"""Two rules every request of a logged-in person passes: the account's address is verified,
and a staff user has a second factor before the Django admin opens."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import services

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
