"""The `make run` database (SQLite) takes writes from many threads at once without "locked".

Each thread reads then writes inside one transaction, the shape of an answer save. With
Django's default deferred transactions the second writer's lock upgrade fails at once with
"database is locked"; the local settings' options (IMMEDIATE, a busy timeout, WAL) queue it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, threading
import django
django.setup()
from django.db import connection, connections, transaction

THREADS, ROUNDS = 8, 25
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE tally (n INTEGER NOT NULL)")
    cursor.execute("INSERT INTO tally (n) VALUES (0)")
errors = []
start = threading.Barrier(THREADS)

def work():
    try:
        start.wait()
        for _ in range(ROUNDS):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM tally")
                (n,) = cursor.fetchone()
                cursor.execute("UPDATE tally SET n = %s", [n + 1])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=work) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM tally")
    (total,) = cursor.fetchone()
    cursor.execute("PRAGMA journal_mode")
    (mode,) = cursor.fetchone()
print(json.dumps({"errors": errors, "total": total, "expected": THREADS * ROUNDS, "mode": mode}))
"""


def test_threads_writing_through_the_local_settings_never_hit_database_is_locked(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alignment_site.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    run = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["total"] == outcome["expected"]  # no write lost either
    assert outcome["mode"] == "wal"
