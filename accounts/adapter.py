"""How django-allauth fits this site: one spelling per address, the username is the address,
the client's address is read through our trusted proxies, and log-in failures count per account
and client address."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from accounts.security import client_ip, log_lockout
from organizations.addresses import normalize_email

logger = logging.getLogger("resonance.security")


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return normalize_email(super().clean_email(email))

    def populate_username(self, request: HttpRequest, user: Any) -> None:
        # The rest of the site (members, grants, the admin) knows people by their address.
        user.username = normalize_email(user.email)[:150]

    def get_client_ip(self, request: HttpRequest) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failures per account everywhere; per account *and* client address,
        # someone guessing from elsewhere cannot lock the real user out of her own network.
        login = normalize_email(credentials.get("email", credentials.get("username", "")))
        return f"{login}:{client_ip(request) or '-'}"

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        # allauth says "confirmation sent to …" only when the address was free, which tells
        # a stranger that a sign-up found no account; the page after sign-up says it for both.
        if message_template == "account/messages/email_confirmation_sent.txt":
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            log_lockout(request, credentials)
            raise
