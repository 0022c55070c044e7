"""The stack of `make run` – a SQLite file, the embedded filesystem broker, a real worker –
seeds the demo and builds a report queued by an operator, with nothing but the project's own
settings (no test database, no Redis)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.worker import running_worker, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _manage(env: dict[str, str], *args: str) -> str:
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
    return result.stdout


def test_local_settings_sqlite_and_embedded_broker_build_reports(tmp_path, artifacts_dir):
    database = tmp_path / "db.sqlite3"
    broker = tmp_path / "broker"
    for sub in ("queue", "processed", "control", "results"):
        (broker / sub).mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alignment_site.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "CELERY_BROKER_DIR": str(broker),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "DEBUG": "true",
        "SECRET_KEY": "make-run-stack-test-" + "x" * 40,
        "LOG_LEVEL": "WARNING",
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_bank", str(ROOT / "banks" / "default.yaml"))
    _manage(env, "seed_demo")

    def report_of_latest() -> tuple[int, int, str, str]:
        with sqlite3.connect(database) as db:
            return db.execute(
                "SELECT a.id, r.id, r.status, r.pdf FROM assessments_assessment a "
                "JOIN assessments_report r ON r.assessment_id = a.id "
                "ORDER BY a.created_at DESC LIMIT 1"
            ).fetchone()

    assessment_id, report_id, status, _pdf = report_of_latest()
    assert status == "ready"
    with running_worker(
        env=env, hostname="makerun", log=artifacts_dir / "worker-report-make-run.log"
    ):
        out = _manage(env, "build_report", str(assessment_id), "--queue")
        assert f"report {report_id}" in out
        assert report_of_latest()[2] in ("queued", "running", "ready")
        assert wait_for(lambda: report_of_latest()[2] == "ready", timeout=120, interval=0.3)
    with sqlite3.connect(database) as db:
        attempts, pdf, duration = db.execute(
            "SELECT attempts, pdf, duration_ms FROM assessments_report WHERE id = ?", (report_id,)
        ).fetchone()
        items = db.execute(
            "SELECT COUNT(*) FROM assessments_actionitem WHERE assessment_id = ?", (assessment_id,)
        ).fetchone()[0]
    assert attempts == 1, "built once by the worker after the queue"
    assert duration > 0
    assert items == 8
    assert (tmp_path / "media" / pdf).read_bytes()[:5] == b"%PDF-"
