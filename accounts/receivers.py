"""Receivers of log-in and password signals (Django's and django-allauth's)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import ngettext

from accounts import services
from accounts.middleware import LANGUAGE_COOKIE_PENDING
from organizations.languages import CHOSEN_ATTRIBUTE


@receiver(user_logged_in, dispatch_uid="resonance_session_verified")
def remember_verification(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        services.session_mark_verified(request=request, user=user)


@receiver(user_logged_in, dispatch_uid="resonance_stored_language")
def restore_language(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # The stored language applies from the first page after log-in, and the switcher's cookie
    # is set to it, so the pages stay in it after logging out on this browser too.
    if request is None or not hasattr(request, "session"):
        return
    code = services.user_language(user=user)
    request.session[services.SESSION_LANGUAGE] = code
    if code:
        translation.activate(code)
        request.LANGUAGE_CODE = code
        setattr(request, CHOSEN_ATTRIBUTE, True)
        setattr(request, LANGUAGE_COOKIE_PENDING, code)


@receiver(password_reset, dispatch_uid="resonance_reset_verifies_sole_address")
def reset_verifies_sole_address(
    sender: Any, request: HttpRequest, user: Any, **kwargs: Any
) -> None:
    # The reset key went to one of the user's addresses; with only one, that mailbox is proved.
    addresses = list(EmailAddress.objects.filter(user=user))
    if len(addresses) == 1 and not addresses[0].verified:
        addresses[0].verified = True
        addresses[0].save(update_fields=["verified"])


@receiver(password_changed, dispatch_uid="resonance_tokens_on_password_changed")
@receiver(password_set, dispatch_uid="resonance_tokens_on_password_set")
@receiver(password_reset, dispatch_uid="resonance_tokens_on_password_reset")
def revoke_tokens(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Whoever knew the old password may have made tokens with it: a new password ends them.
    count = services.api_tokens_revoke_all(user=user)
    if count and request is not None:
        messages.warning(
            request,
            ngettext(
                "Your password changed, so your API token was revoked. Create a new one if a "
                "tool still needs it.",
                "Your password changed, so your %(count)d API tokens were revoked. Create new "
                "ones for the tools that still need them.",
                count,
            )
            % {"count": count},
        )
