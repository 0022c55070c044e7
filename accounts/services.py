"""Account rules on top of django-allauth: verified sessions, MFA, API tokens on password change."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from knox.models import AuthToken

from accounts.models import Preferences
from organizations.languages import language_supported

SESSION_VERIFIED = "resonance_verified"
# The user's stored language, kept in the session so pages need no query for it ("": none).
SESSION_LANGUAGE = "resonance_language"


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


def user_language(*, user: Any) -> str:
    """Return the language the user chose and stored, or "" when the browser decides."""
    stored = Preferences.objects.filter(user=user).values_list("language", flat=True).first()
    return language_supported(stored) or ""


def user_language_save(*, user: Any, language: str, request: HttpRequest | None = None) -> str:
    """Store the user's language ("" lets the browser decide again); return what was stored."""
    code = language_supported(language) or ""
    Preferences.objects.update_or_create(user=user, defaults={"language": code})
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LANGUAGE] = code
    return code


def session_language(*, request: HttpRequest, user: Any) -> str:
    """Return the user's stored language, read from the database once per session.

    A choice made in another session (another browser) shows here from the next log-in.
    """
    cached = request.session.get(SESSION_LANGUAGE)
    if cached is None:
        cached = request.session[SESSION_LANGUAGE] = user_language(user=user)
    return language_supported(cached) or ""
