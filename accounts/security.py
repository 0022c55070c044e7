"""Security events: log-ins, lock-outs and refused requests, on the "resonance.security" logger.

Every line names the e-mail address and the client address, never a password, so an operator can
spot credential stuffing or someone probing other organizations' URLs.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("resonance.security")

# Answers that mean "you may not see this"; 401 and 429 come from the API and the rate limit.
REFUSED_STATUSES = frozenset({401, 403, 404, 410, 429})
APP_PREFIXES = ("/app/", "/api/")


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, read through TRUSTED_PROXY_COUNT proxies in front of us.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is the
    entry that many places from the end; anything further left was written by the client and
    is ignored. Without proxies (the default) only REMOTE_ADDR counts.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def client_address(request: HttpRequest | None) -> str:
    """Return the client's address as the rate limit sees it."""
    if request is None:
        return "-"
    return client_ip(request) or "-"


def _username(credentials: dict[str, Any] | None, request: HttpRequest | None) -> str:
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username")
    if not name and request is not None:
        name = request.POST.get("login", "")
    # One line per event: a crafted name cannot forge a second log line.
    return str(name or "").strip().lower().replace("\n", " ").replace("\r", " ")[:254]


@receiver(user_logged_in, dispatch_uid="resonance_security_login")
def log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("login succeeded email=%s address=%s", user.get_username(), client_address(request))


@receiver(user_login_failed, dispatch_uid="resonance_security_login_failed")
def log_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django masks the password in `credentials`; only the address is read from it anyway.
    logger.warning(
        "login failed email=%s address=%s", _username(credentials, request), client_address(request)
    )


def log_lockout(request: HttpRequest, credentials: dict[str, Any] | None) -> None:
    """Log a log-in refused by the failure limit, before its password is checked."""
    logger.warning(
        "login locked out email=%s address=%s cooloff=%sm",
        _username(credentials, request),
        client_address(request),
        settings.LOGIN_COOLOFF_MINUTES,
    )


class RefusedAccessLogMiddleware:
    """Log every refused request of a logged-in user, and every one under /app/ or /api/."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in REFUSED_STATUSES:
            user = getattr(request, "user", None)
            authenticated = bool(user is not None and user.is_authenticated)
            if authenticated or request.path.startswith(APP_PREFIXES):
                logger.warning(
                    "refused status=%s method=%s path=%s user=%s address=%s",
                    response.status_code,
                    request.method,
                    request.path[:500],
                    user.get_username() if user is not None and authenticated else "anonymous",
                    client_address(request),
                )
        return response
