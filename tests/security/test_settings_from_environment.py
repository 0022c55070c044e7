"""Settings come from the environment; production refuses to start without a real key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _django_check(settings_module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _django_check("alignment_site.settings.production", {"ALLOWED_HOSTS": "example.com"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" in result.stderr or "ImproperlyConfigured" in result.stderr


def test_production_refuses_a_short_or_insecure_key():
    result = _django_check(
        "alignment_site.settings.production",
        {"SECRET_KEY": "django-insecure-short", "ALLOWED_HOSTS": "example.com"},
    )
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


SERVICES = {
    "DATABASE_URL": "postgres://app@db.example:5432/resonance",
    "REDIS_URL": "redis://redis.example:6379/0",
}


def test_production_starts_with_a_real_key():
    result = _django_check(
        "alignment_site.settings.production",
        {"SECRET_KEY": "k" * 30 + "Zq8%" + "x7" * 20, "ALLOWED_HOSTS": "example.com", **SERVICES},
    )
    # --deploy at WARNING level: no finding at all (HSTS, secure cookies, SSL redirect, ...).
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL"])
def test_production_takes_its_services_only_from_the_environment(missing):
    env = {"SECRET_KEY": "k" * 30 + "Zq8%" + "x7" * 20, "ALLOWED_HOSTS": "example.com", **SERVICES}
    del env[missing]
    result = _django_check("alignment_site.settings.production", env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_database_url_selects_the_database(tmp_path):
    db = tmp_path / "other.sqlite3"
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alignment_site.settings.local",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["django.db.backends.sqlite3", str(db)]


@pytest.mark.parametrize(
    ("value", "expected"), [("postgres://u@h:5432/db", "django.db.backends.postgresql")]
)
def test_postgres_urls_are_understood(value, expected):
    import environ

    assert environ.Env.db_url_config(value)["ENGINE"] == expected


def test_local_email_goes_to_the_console_by_default():
    code = "from alignment_site.settings import local; print(local.EMAIL_BACKEND)"
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_BACKEND"}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "django.core.mail.backends.console.EmailBackend"
