"""Start a real Celery worker process for integration tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from celery import Celery

ROOT = Path(__file__).resolve().parent.parent


def producer_app(broker_url: str, backend: str, transport_options: dict) -> Celery:
    """Return a bare Celery client that sends to the given broker (no Django involved)."""
    app = Celery("resonance-test-client", broker=broker_url, backend=backend)
    app.conf.broker_transport_options = transport_options
    app.conf.task_serializer = app.conf.result_serializer = "json"
    app.conf.accept_content = ["json"]
    return app


@contextlib.contextmanager
def running_worker(
    *,
    env: dict[str, str] | None = None,
    hostname: str = "test",
    log: Path | None = None,
    pool: str = "solo",
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `celery worker` until the block ends (prefork runs one child process)."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "alignment_site.settings.test"}
    full_env.update(env or {})
    for key, value in list(full_env.items()):
        if value is None:
            del full_env[key]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - fixed argument list
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "alignment_site",
            "worker",
            *(["--pool=solo"] if pool == "solo" else ["--pool=prefork", "--concurrency=1"]),
            "--loglevel=INFO",
            f"--hostname={hostname}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=full_env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if log:
            out.close()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2) -> bool:
    """Poll until predicate() is truthy or the timeout passes; return the last outcome."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
