"""Mail helpers: text for headers (one line, whatever a person typed into a name), and sending
a mail that says which language it is written in."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.core.mail import EmailMultiAlternatives
from django.utils import translation

__all__ = ["header_text", "send_mail"]


def send_mail(
    subject: str,
    message: str,
    from_email: str | None,
    recipient_list: Sequence[str],
    *,
    fail_silently: bool = False,
    html_message: str | None = None,
    language: str | None = None,
) -> int:
    """Send a mail as django.core.mail.send_mail does, with a Content-Language header.

    The language is `language`, else the one active when it is called: send inside
    `organization_language` (or `language_override`) and the header names the mail's language,
    so mail programs pick the right spelling checker and screen readers the right voice.
    """
    code = language or translation.get_language()
    headers = {"Content-Language": code} if code else {}
    mail = EmailMultiAlternatives(
        subject, message, from_email, list(recipient_list), headers=headers
    )
    if html_message:
        mail.attach_alternative(html_message, "text/html")
    return mail.send(fail_silently=fail_silently)


def header_text(value: str) -> str:
    """Return value on one line: runs of whitespace, CR/LF and other controls become one space.

    Django refuses a subject holding a newline (BadHeaderError), so an organization named with
    one would stop every mail that names it; cleaned, the mail goes out.
    """
    visible = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value
    )
    return " ".join(visible.split())
