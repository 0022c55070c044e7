"""One Django set-up for the in-process benches: a database of their own and the default bank.

With DATABASE_URL pointing to PostgreSQL the bench drops and creates its own database on that
server (named by the bench); otherwise it uses a SQLite file in the given folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def bench_django(folder: Path, *, database: str) -> str:
    """Point Django at a fresh bench database, migrate it, load the default bank.

    Returns where the database lives (host/name or the SQLite path) for the bench's header.
    """
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from bench.stack import fresh_postgres_database

        url = urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
        fresh_postgres_database(url)
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "alignment_site.settings.test"
    os.environ["REDIS_URL"] = ""
    os.environ["CELERY_BROKER_DIR"] = str(folder / "broker")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host name and a memory e-mail backend
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_bank", str(ROOT / "banks" / "default.yaml"), verbosity=0)
    return url.split("@")[-1]
