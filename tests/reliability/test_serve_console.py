"""`make run`'s bin/serve: one line with the address once the site answers, and a quiet worker."""

import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.worker import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
READY = "Resonance is ready at"


def test_serve_announces_the_address_once_listening_and_keeps_the_worker_quiet(
    tmp_path, artifacts_dir
):
    port = free_port()
    broker = tmp_path / "broker"
    for sub in ("queue", "processed", "control", "results"):
        (broker / sub).mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alignment_site.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_DIR": str(broker),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "DEBUG": "true",
        "SECRET_KEY": "serve-console-test-" + "x" * 40,
        "PORT": str(port),
        "VENV": str(ROOT / ".venv"),
    }
    env.pop("LOG_LEVEL", None)
    process = subprocess.Popen(  # noqa: S603 - fixed argument list
        [str(ROOT / "bin" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    lines: list[str] = []
    answered_when_announced: list[int] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if READY in line:
                # The address is announced only when the site answers (a static file: the
                # database of this test is not migrated).
                try:
                    with urllib.request.urlopen(f"{url}static/img/favicon.svg", timeout=10) as page:  # noqa: S310
                        answered_when_announced.append(page.status)
                except OSError as exc:
                    answered_when_announced.append(repr(exc))
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any(READY in line for line in lines) and time.monotonic() < deadline:
            assert process.poll() is None, "".join(lines)
            time.sleep(0.2)
        time.sleep(3)  # let the worker and beat finish starting, and say what they say
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        reader.join(timeout=10)
        (artifacts_dir / "serve-console.log").write_text("".join(lines), encoding="utf-8")
    output = "".join(lines)
    announced = [line for line in lines if READY in line]
    assert len(announced) == 1, output
    assert f"http://127.0.0.1:{port}/" in announced[0]
    assert answered_when_announced == [200]
    # The worker's banner and the INFO lines of start-up ("celery@… ready", "beat: Starting…",
    # "AXES: BEGIN") stay out; the static file fetched above may leave its request line.
    assert "-------------- " not in output, output
    assert not [line for line in lines if "INFO" in line and "django.server" not in line], output
