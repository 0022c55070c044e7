"""The site's languages, and which one a page, a mail or a report is written in.

The languages are `settings.LANGUAGES`. A request's language is the switcher's cookie, else the
browser's Accept-Language (Django's LocaleMiddleware); a logged-in user's stored choice wins over
the browser (accounts.middleware). Work for an organization's people — reports, PDFs, mails to
respondents and owners — is written in the organization's language, inside
`organization_language`; a respondent's pages and mails use the language the owner chose for that
person's invitation, unless the respondent chose another on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from organizations.models import Organization

# Set on a request whose language was chosen by the person (stored on their account).
CHOSEN_ATTRIBUTE = "language_chosen"


def language_choices() -> list[tuple[str, str]]:
    """Return the site's languages as (code, own name) pairs, for model and form choices."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def language_codes() -> frozenset[str]:
    """Return the codes of the site's languages."""
    return frozenset(code for code, _name in settings.LANGUAGES)


def language_default() -> str:
    """Return the site's fallback language (LANGUAGE_CODE)."""
    return str(settings.LANGUAGE_CODE)


def language_supported(code: str | None) -> str | None:
    """Return the site language a code names (``de-AT`` gives ``de``), or None."""
    if not code:
        return None
    codes = language_codes()
    code = code.strip().lower().replace("_", "-")
    if code in codes:
        return code
    base = code.split("-", 1)[0]
    return base if base in codes else None


def language_active() -> str:
    """Return the active language as a site language (the fallback when none matches)."""
    return language_supported(translation.get_language()) or language_default()


def language_of(organization: Organization) -> str:
    """Return the organization's language; one the site no longer speaks falls back."""
    return language_supported(organization.language) or language_default()


class _HasLanguage(Protocol):
    language: str


def language_for_person(holder: _HasLanguage | None, organization: Organization) -> str:
    """Return the language chosen for one person (an invitation), else the organization's."""
    chosen = language_supported(holder.language) if holder is not None else None
    return chosen or language_of(organization)


@contextmanager
def language_override(code: str) -> Iterator[str]:
    """Write everything inside the block in `code`, then restore the previous language."""
    code = language_supported(code) or language_default()
    with translation.override(code):
        yield code


@contextmanager
def organization_language(organization: Organization) -> Iterator[str]:
    """Write everything inside the block in the organization's language (reports, PDFs, mails)."""
    with language_override(language_of(organization)) as code:
        yield code


def language_chosen(request: HttpRequest) -> bool:
    """Return whether the person chose the page's language: on the switcher, or on the account.

    The browser's Accept-Language is no choice made here: an owner's choice for an invitation
    overrides it, while the person's own choice overrides the owner's.
    """
    if getattr(request, CHOSEN_ATTRIBUTE, False):
        return True
    return language_supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) is not None


def request_language_activate(request: HttpRequest, code: str) -> None:
    """Show the rest of this request in `code` (unless the person chose their own language)."""
    if language_chosen(request):
        return
    code = language_supported(code) or language_default()
    translation.activate(code)
    request.LANGUAGE_CODE = code


def language_field(*, blank_label: StrOrPromise = "", **kwargs: object) -> forms.ChoiceField:
    """Return a select of the site's languages; with `blank_label`, a first empty choice."""
    choices: list[tuple[str, StrOrPromise]] = list(language_choices())
    if blank_label:
        choices = [("", blank_label), *choices]
    kwargs.setdefault("required", not blank_label)
    return forms.ChoiceField(choices=choices, **kwargs)  # type: ignore[arg-type]
