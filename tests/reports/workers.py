"""Start Celery workers that share the test database and media folder with the test process."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_env(**extra: str) -> dict[str, str]:
    """Return the environment of a worker that sees this test's database and media folder."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("memory" in name or name == ":memory:"):
        pytest.skip(
            "the test database is SQLite in memory, which a worker process cannot see; "
            "run with DATABASE_URL=postgres://… (CI does)"
        )
    return {
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "RESONANCE_TEST_DB_NAME": name,
        "RESONANCE_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }
