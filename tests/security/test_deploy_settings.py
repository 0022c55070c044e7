"""Production's security settings, and the client address the rate limit and the log use."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from accounts.security import client_ip

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 30 + "Zq8%" + "x7" * 20,
    "ALLOWED_HOSTS": "example.com",
    "DATABASE_URL": "postgres://app@db.example:5432/resonance",
    "REDIS_URL": "redis://redis.example:6379/0",
    "DJANGO_SETTINGS_MODULE": "alignment_site.settings.production",
}


def test_production_settings_harden_transport_cookies_and_frames():
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "DEBUG",
        "CELERY_BROKER_URL",
        "TRUSTED_PROXY_COUNT",
    ]
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.endswith("_URL")}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = json.loads(out.strip().splitlines()[-1])
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["DEBUG"] is False
    assert values["CELERY_BROKER_URL"] == PRODUCTION_ENV["REDIS_URL"]
    assert values["TRUSTED_PROXY_COUNT"] == 1


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.2"),  # no proxy: a forged header means nothing
        (1, "198.51.100.5", "198.51.100.5"),
        (1, "6.6.6.6, 198.51.100.5", "198.51.100.5"),  # the client's own entry is ignored
        (2, "6.6.6.6, 198.51.100.5, 10.0.0.9", "198.51.100.5"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (2, "198.51.100.5", "10.0.0.2"),  # fewer hops than proxies: not trusted
    ],
)
def test_the_client_address_is_read_through_the_trusted_proxies(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_behind_a_proxy_one_attacker_does_not_lock_out_everyone(client, settings):
    from django.urls import reverse

    from tests.accounts.factories import UserFactory

    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="ana@example.com")

    def log_in(password, address):
        return client.post(
            reverse("login"),
            {"login": "ana@example.com", "password": password},
            REMOTE_ADDR="10.0.0.2",  # the load balancer, for everyone
            HTTP_X_FORWARDED_FOR=address,
        )

    for _ in range(10):
        log_in("wrong", "203.0.113.66")
    assert log_in("wrong", "203.0.113.66").status_code == 429
    assert log_in("correct horse battery staple", "198.51.100.5").status_code == 302
