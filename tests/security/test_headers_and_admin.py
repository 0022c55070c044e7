"""The CSP header on every kind of page, and the admin closed to everyone but staff."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url_name", ["home", "login", "signup", "password_reset"])
def test_public_pages_carry_the_strict_policy(client, url_name):
    policy = _policy(client.get(reverse(url_name)))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    for directive in ("script-src", "style-src", "style-src-elem", "style-src-attr"):
        assert "'unsafe-inline'" not in policy[directive], directive
        assert "'unsafe-eval'" not in policy[directive], directive
    assert not any("http" in value for values in policy.values() for value in values), "no CDN"


def test_app_pages_errors_and_the_admin_carry_it_too(client, admin_client):
    member = MembershipFactory().user
    client.force_login(member)
    for response in (
        client.get(reverse("organizations:home")),
        client.get("/app/organizations/999999/"),  # a 404 page
        admin_client.get(reverse("admin:index")),
    ):
        assert _policy(response)["script-src"] == ["'self'"], response.status_code


def test_templates_carry_no_inline_script_or_style(settings):
    from pathlib import Path

    roots = [Path(d) for t in settings.TEMPLATES for d in t["DIRS"]]
    offenders = []
    for root in roots:
        for path in root.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            # Template comments may talk about <style>; they never reach the browser.
            text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", text, flags=re.S)
            lowered = text.lower()
            if " style=" in lowered or "<style" in lowered:
                offenders.append(f"{path}: inline style")
            for chunk in lowered.split("<script")[1:]:
                head = chunk.split(">", 1)[0]
                if "src=" not in head and "application/json" not in head:
                    offenders.append(f"{path}: inline script")
            if " onclick=" in lowered or " onload=" in lowered or "javascript:" in lowered:
                offenders.append(f"{path}: inline handler")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("who", ["anonymous", "member", "consultant"])
def test_the_admin_sends_non_staff_to_its_log_in(client, who, default_bank):
    if who != "anonymous":
        client.force_login(UserFactory(email=f"{who}@example.com"))
    for url in (
        reverse("admin:index"),
        reverse("admin:organizations_organization_changelist"),
        reverse("admin:banks_questionbank_import"),
        reverse("admin:banks_questionbank_change", args=[default_bank.pk]),
        reverse("admin:banks_questionbank_export", args=[default_bank.pk]),
    ):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url
