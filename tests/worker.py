"""Start real Celery workers and Redis servers for integration tests, and point this process at them."""

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
    """Return a bare Celery client that sends to the given broker (no Django involved).

    It never becomes the current app: the project's @shared_task functions follow the current
    app, so a later test's report_build_task.delay() would publish to this client's broker.
    """
    app = Celery("resonance-test-client", broker=broker_url, backend=backend, set_as_current=False)
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


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def private_redis(port: int | None = None) -> Iterator[RedisServer]:
    """Run a throwaway redis-server on loopback (no persistence) until the block ends."""
    server = RedisServer(port or free_port())
    try:
        server.start()
    except FileNotFoundError as exc:
        import pytest

        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()


class RedisServer:
    """A redis-server process this test owns: it can be stopped and started on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import shutil

        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for(self.ping, timeout=10, interval=0.05):
            self.stop()
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def children_of(pid: int) -> list[int]:
    """Return the process ids whose parent is pid (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields follow the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def worker_env(**extra: str) -> dict[str, str]:
    """Return the environment of a worker that sees this test's database and media folder."""
    import pytest
    from django.conf import settings
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("memory" in name or name == ":memory:"):
        pytest.skip(
            "the test database is SQLite in memory, which a worker process cannot see; "
            "run with DATABASE_URL=postgres://… (CI does)"
        )
    return {
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "RESONANCE_TEST_DB_NAME": name,
        "RESONANCE_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


def _drop_connections() -> None:
    from alignment_site.celery import app as celery_app

    # Cached pools still hold connections to the broker of the settings; start afresh.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def client_on_broker(url: str) -> Iterator[None]:
    """Publish tasks to `url` (a Redis URL) until the block ends."""
    from alignment_site.celery import app as celery_app

    conf = celery_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "broker_transport_options": conf.broker_transport_options,
        "broker_connection_timeout": conf.broker_connection_timeout,
        "task_publish_retry_policy": conf.task_publish_retry_policy,
    }
    _drop_connections()
    conf.broker_url = url
    conf.broker_transport_options = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    try:
        yield
    finally:
        _drop_connections()
        for key, value in saved.items():
            setattr(conf, key, value)
