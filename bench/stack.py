"""Processes the fault and load benches start for themselves: Redis, a database, workers.

Everything listens on loopback and is stopped by the PID it was started with.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.worker import children_of

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def fresh_postgres_database(url: str) -> None:
    """Drop and create the database named in a postgres:// URL (the bench owns it)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing an unusual database name: {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def start_beat(*, env: dict[str, str], schedule: Path, log: Path) -> subprocess.Popen[bytes]:
    """Start one `celery beat` (the only one: it sends the periodic sweep)."""
    command = [PYTHON, "-m", "celery", "-A", "alignment_site", "beat", "--loglevel=INFO"]
    command += ["--schedule", str(schedule)]
    with open(log, "ab") as out:
        return subprocess.Popen(  # noqa: S603 - fixed argument list
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )


class Worker:
    """One `celery worker`: prefork with `concurrency` children."""

    def __init__(self, *, env: dict[str, str], name: str, log: Path, concurrency: int = 1):
        self.env, self.name, self.log, self.concurrency = env, name, log, concurrency
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [PYTHON, "-m", "celery", "-A", "alignment_site", "worker"]
        command += ["--pool=prefork", f"--concurrency={self.concurrency}", "--loglevel=INFO"]
        command += [f"--hostname={self.name}@%h", "--without-gossip", "--without-mingle"]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
                command, cwd=ROOT, env={**os.environ, **self.env}, stdout=out, stderr=out
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def pool_children(self) -> list[int]:
        return children_of(self.pid)

    def kill_hard(self) -> None:
        """SIGKILL the whole worker: its pool children first, so none is left orphaned."""
        for child in self.pool_children():
            _kill(child)
        _kill(self.pid)
        assert self.process is not None
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill_hard()


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
