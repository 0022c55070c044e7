"""Slack and Microsoft Teams incoming webhooks: which URLs we accept, and the one POST.

A webhook URL is a secret anyone can post to, and a URL we post to is a way into the network
we run in (SSRF): only https, only the hosts of those two services, no credentials or odd ports,
a short timeout, and never from inside a web request (the worker sends, and retries).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class WebhookError(Exception):
    """The service did not take the message: worth another try later."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere, an internal address included: treat it as a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _host_allowed(host: str) -> bool:
    for allowed in settings.ALERT_WEBHOOK_HOSTS:
        if allowed.startswith("."):
            if host.endswith(allowed) and len(host) > len(allowed):
                return True
        elif host == allowed:
            return True
    return False


def webhook_url_problem(url: str) -> str | None:
    """Return why this URL cannot be a webhook, or None when it can."""
    if len(url) > 500 or any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        return _("Paste the webhook address exactly as Slack or Teams shows it, without spaces.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("This is not a web address.")
    if parts.scheme not in settings.ALERT_WEBHOOK_SCHEMES:
        return _("The webhook address must start with https://.")
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or not host:
        return _("This is not a web address.")
    if port not in (None, 443) and not settings.ALERT_WEBHOOK_ANY_PORT:
        return _("The webhook address must not name a port.")
    if not _host_allowed(host):
        return _(
            "Only Slack (hooks.slack.com) and Microsoft Teams (…webhook.office.com, "
            "…logic.azure.com) incoming webhooks are accepted."
        )
    if parts.path in ("", "/"):
        return _("The address lacks the webhook's path: copy it whole from Slack or Teams.")
    return None


def masked(url: str) -> str:
    """Show enough of a stored webhook URL to recognise it, never enough to use it."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…{url[-4:]}"


def payload_for(url: str, text: str) -> dict[str, object]:
    """Slack and classic Teams connectors take {"text"}; Teams workflows want an Adaptive Card."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(".logic.azure.com"):
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [{"type": "TextBlock", "text": text, "wrap": True}],
        }
        return {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        }
    return {"text": text}


def post(url: str, text: str) -> None:
    """POST the message once; raise WebhookError on anything but a 2xx answer in time."""
    problem = webhook_url_problem(url)
    if problem:  # checked again here: the setting may have been edited in the database
        raise ValueError(problem)
    body = json.dumps(payload_for(url, text)).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme was checked above
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with _opener.open(request, timeout=settings.ALERT_WEBHOOK_TIMEOUT) as response:
            response.read(1024)
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"the service answered {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WebhookError(f"no answer: {exc}") from exc
