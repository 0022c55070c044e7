"""Personal API tokens (django-rest-knox): only a hash is stored, the text is shown once."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.models import AuthToken

# Marks the text as a Resonance token, so a secret scanner or a person can tell what leaked.
TOKEN_PREFIX = "rsn_"  # noqa: S105 (a label, not a secret)
LIFETIMES = {
    30: gettext_lazy("30 days"),
    90: gettext_lazy("90 days"),
    365: gettext_lazy("one year"),
}
MAX_TOKENS_PER_USER = 20


class TokenLimitError(Exception):
    """The user holds as many tokens as allowed; the message is written for people."""


def api_tokens_for_user(*, user: User) -> QuerySet[AuthToken]:
    """Return the user's tokens that have not expired, newest first."""
    return (
        AuthToken.objects.filter(user=user).exclude(expiry__lt=timezone.now()).order_by("-created")
    )


@transaction.atomic
def api_token_create(*, user: User, days: int) -> tuple[AuthToken, str]:
    """Create a token valid for `days` days; return its row and the text, which is never stored."""
    # Expired rows are dead weight: knox only removes them when someone presents them.
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    if AuthToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise TokenLimitError(
            _("You have %(count)s tokens already. Revoke one you no longer use first.")
            % {"count": MAX_TOKENS_PER_USER}
        )
    return AuthToken.objects.create(user=user, expiry=timedelta(days=days), prefix=TOKEN_PREFIX)


def api_token_revoke(*, user: User, token_key: str) -> int:
    """Delete the user's token with this visible start; another user's token is a 404."""
    tokens = AuthToken.objects.filter(user=user, token_key=token_key)
    if not tokens.exists():
        raise Http404(_("No such token."))
    # Two tokens sharing a start is unlikely; if it happens, revoking both is the safe side.
    deleted, _by_model = tokens.delete()
    return deleted
