"""bin/serve (what `make run` starts) runs beat beside its worker: a report left queued with no
message anywhere is picked up by the periodic sweep and built, with nothing but local settings
(a SQLite file and the embedded filesystem broker)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.worker import free_port, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bin_serve_runs_the_sweep_on_a_schedule(tmp_path, artifacts_dir):
    database = tmp_path / "db.sqlite3"
    broker = tmp_path / "broker"
    for sub in ("queue", "processed", "control", "results"):
        (broker / sub).mkdir(parents=True)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alignment_site.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "CELERY_BROKER_DIR": str(broker),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "DEBUG": "true",
        "SECRET_KEY": "serve-beat-test-" + "x" * 40,
        "LOG_LEVEL": "INFO",
        "REPORT_SWEEP_SECONDS": "2",
        "REPORT_SWEEP_QUEUED_AFTER": "1",
        "PORT": str(port),
        "VENV": str(Path(sys.executable).parent.parent),
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_bank", str(ROOT / "banks" / "default.yaml"))
    _manage(env, "seed_demo")
    # Leave the latest report queued as if the broker had been down when its cycle closed.
    long_ago = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(database) as db:
        (report_id,) = db.execute(
            "SELECT r.id FROM assessments_report r JOIN assessments_assessment a "
            "ON r.assessment_id = a.id ORDER BY a.created_at DESC LIMIT 1"
        ).fetchone()
        db.execute(
            "UPDATE assessments_report SET status = 'queued', queued_at = ?, attempts = 0 "
            "WHERE id = ?",
            (long_ago, report_id),
        )

    def status() -> tuple[str, int]:
        with sqlite3.connect(database) as db:
            return db.execute(
                "SELECT status, attempts FROM assessments_report WHERE id = ?", (report_id,)
            ).fetchone()

    def site_up() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
                return True
        except OSError:
            return False

    log = artifacts_dir / "serve-beat.log"
    with open(log, "wb") as out:
        serve = subprocess.Popen(  # noqa: S603 - fixed argument list
            [str(ROOT / "bin" / "serve")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: runserver, worker and beat
        )
        try:
            assert wait_for(site_up, timeout=60), f"the site never answered; see {log}"
            assert wait_for(lambda: status()[0] == "ready", timeout=180, interval=0.5), (
                f"the sweep never got the report built; see {log}"
            )
        finally:
            os.killpg(serve.pid, signal.SIGTERM)
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
                serve.wait()
    assert status()[1] == 1, "built once"
    assert "report_sweep_task" in log.read_text(errors="replace")
