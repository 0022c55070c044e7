"""Account rules on top of django-allauth: verified sessions, MFA, API tokens on password change."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from knox.models import AuthToken

SESSION_VERIFIED = "resonance_verified"


def user_has_verified_address(*, user: Any) -> bool:
    """Return whether the user proved at least one address by following a mailed link."""
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def session_mark_verified(*, request: HttpRequest, user: Any) -> None:
    """Remember in the session whether its user is verified, so pages do not ask every time."""
    request.session[SESSION_VERIFIED] = user_has_verified_address(user=user)


def session_is_verified(*, request: HttpRequest, user: Any) -> bool:
    """Return whether the session's user has a verified address (asked once per session)."""
    if not request.session.get(SESSION_VERIFIED):
        session_mark_verified(request=request, user=user)
    return bool(request.session[SESSION_VERIFIED])


def user_has_mfa(*, user: Any) -> bool:
    """Return whether the user can give a second factor (an authenticator app or a key)."""
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def api_tokens_revoke_all(*, user: Any) -> int:
    """Revoke every API token of the user; return how many there were."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted
