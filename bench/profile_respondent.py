"""A respondent's requests in one process, without gunicorn: CPU time and queries per request.

Runs with the load bench's settings (bench/load_settings.py: production minus TLS) against a
PostgreSQL database of its own (the DATABASE_URL server, database `--database`), seeded like
bench/load.py: the default bank and an open cycle with personal links. Each round is one new
person doing what static/js/wizard.js does: open the link, per step GET the page and POST one
JSON batch of that step's answers (with the CSRF header and the Origin a browser sends), open the
review, submit, see the thanks page. The Django test client calls the WSGI handler directly, with
every middleware and CSRF enforced.

Per kind of request it prints the queries of the first round and the median CPU time of the
thread (time.thread_time: other work on the machine counts far less than in wall time) and wall
time over the rest. --profile KIND adds a cProfile (of CPU time) of every request of that kind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/profile_respondent.py
        [--rounds 40] [--database resonance_bench_profile] [--reuse] [--profile "answer batch"]
        [--json out.json]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import secrets
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KINDS = (
    "respondent start",
    "questionnaire step",
    "answer batch",
    "review page",
    "submit",
    "thanks page",
)


def _configure(database: str, *, reuse: bool) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point to a PostgreSQL server")
    url = urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
    if not reuse:
        from bench.stack import fresh_postgres_database

        fresh_postgres_database(url)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DATABASE_URL": url,
            "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "testserver",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def _seed(links: int) -> None:
    from bench.seeding import default_bank_migrated, open_cycle_with_links

    tokens = [_token(n) for n in range(links)]
    open_cycle_with_links(
        default_bank_migrated(), tokens, domain="profile.example", name="Profile open cycle"
    )


def _token(n: int) -> str:
    """The link of person n: derived from n, so a reused database keeps its links."""
    return f"profile-{n:06d}-" + "x" * 24


def _unused_links() -> list[int]:
    from assessments.models import Invitation, Response
    from assessments.services.invitations import token_digest

    used = set(
        Response.objects.filter(invitation__isnull=False).values_list(
            "invitation__token_hash", flat=True
        )
    )
    count = Invitation.objects.filter(email__endswith="@profile.example").count()
    return [n for n in range(count) if token_digest(_token(n)) not in used]


def _steps() -> dict[str, list[str]]:
    from banks.models import Question, QuestionBank

    bank = QuestionBank.objects.filter(status="published").latest("version")
    order = ("area__dimension__position", "area__position", "position", "pk")
    steps: dict[str, list[str]] = defaultdict(list)
    questions = Question.objects.filter(area__dimension__bank=bank).select_related(
        "area__dimension"
    )
    for question in questions.order_by(*order):
        steps[question.area.dimension.code].append(question.code)
    return dict(steps)


class Person:
    """One respondent's browser: the test client with CSRF enforced."""

    def __init__(self, token: str, steps: dict[str, list[str]]) -> None:
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
        self.token = token
        self.steps = steps
        self.csrf = ""
        self.seq = 0

    def requests(self) -> list[tuple[str, Any]]:
        """(kind, callable) in the order the wizard sends them."""
        base = f"/app/respond/{self.token}/"
        flow: list[tuple[str, Any]] = [("respondent start", lambda: self._get(base))]
        for step in self.steps:
            flow.append(("questionnaire step", lambda step=step: self._get(f"{base}{step}/")))
            flow.append(("answer batch", lambda step=step: self._batch(step)))
        flow.append(("review page", lambda: self._get(f"{base}review/")))
        flow.append(("submit", self._submit))
        flow.append(("thanks page", lambda: self._get("/app/respond/thanks/")))
        return flow

    def _get(self, path: str) -> Any:
        reply = self.client.get(path)
        if reply.status_code != 200:
            raise SystemExit(f"GET {path} answered {reply.status_code}")
        token = self.client.cookies.get("csrftoken")
        if token is not None:
            self.csrf = token.value
        text = reply.content.decode()
        marker = 'name="csrfmiddlewaretoken" value="'
        if marker in text:
            self.csrf = text.split(marker, 1)[1].split('"', 1)[0]
        return reply

    def _batch(self, step: str) -> Any:
        changes = []
        for code in self.steps[step]:
            self.seq = max(self.seq + 1, int(time.time() * 1_000_000))
            changes.append(
                {"question": code, "current": random.randint(1, 5), "comment": "", "seq": self.seq}
            )
        reply = self.client.post(
            f"/app/respond/{self.token}/batch/",
            data=json.dumps(changes),
            content_type="application/json",
            HTTP_ACCEPT="application/json",
            HTTP_X_CSRFTOKEN=self.csrf,
        )
        if reply.status_code != 200 or len(reply.json()["saved"]) != len(changes):
            raise SystemExit(f"batch answered {reply.status_code}: {reply.content[:200]!r}")
        return reply

    def _submit(self) -> Any:
        reply = self.client.post(
            f"/app/respond/{self.token}/submit/", {"csrfmiddlewaretoken": self.csrf}
        )
        if reply.status_code != 302 or not reply["Location"].endswith("/respond/thanks/"):
            raise SystemExit(f"submit answered {reply.status_code}")
        return reply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database", default="resonance_bench_profile")
    parser.add_argument("--reuse", action="store_true", help="keep the database and its links")
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--profile", choices=KINDS, help="cProfile every request of this kind")
    parser.add_argument("--sort", default="cumulative", help="pstats order of --profile")
    parser.add_argument("--limit", type=int, default=60, help="lines of --profile")
    parser.add_argument("--json", type=Path, help="write the per-request samples here")
    args = parser.parse_args()
    _configure(args.database, reuse=args.reuse)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not args.reuse:
        _seed(args.links)
    free = _unused_links()
    if len(free) < args.rounds + 1:
        raise SystemExit(f"only {len(free)} unused links left: run without --reuse")
    steps = _steps()
    cpu: dict[str, list[float]] = defaultdict(list)
    wall: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    sql: dict[str, list[str]] = defaultdict(list)
    # The profile counts the thread's CPU time: waits for PostgreSQL's replies are left out.
    profiler = cProfile.Profile(time.thread_time) if args.profile else None
    for round_ in range(args.rounds + 1):
        person = Person(_token(free[round_]), steps)
        for kind, send in person.requests():
            if round_ == 0:  # the first round warms up and counts the queries
                with CaptureQueriesContext(connection) as captured:
                    send()
                queries[kind].append(len(captured.captured_queries))
                if not sql[kind]:
                    sql[kind] = [q["sql"] for q in captured.captured_queries]
                continue
            if profiler is not None and kind == args.profile:
                profiler.enable()
            started, started_cpu = time.perf_counter(), time.thread_time()
            send()
            cpu[kind].append((time.thread_time() - started_cpu) * 1000)
            wall[kind].append((time.perf_counter() - started) * 1000)
            if profiler is not None and kind == args.profile:
                profiler.disable()
    print(f"{args.rounds} respondents, {len(steps)} steps; ms per request (median)")
    print(f"{'request':20} {'queries':>8} {'cpu ms':>8} {'wall ms':>8} {'n':>5}")
    total_cpu = total_n = 0.0
    for kind in KINDS:
        print(
            f"{kind:20} {max(queries[kind]):8} {statistics.median(cpu[kind]):8.2f} "
            f"{statistics.median(wall[kind]):8.2f} {len(cpu[kind]):5}"
        )
        total_cpu += sum(cpu[kind])
        total_n += len(cpu[kind])
    print(f"{'all (mean)':20} {'':8} {total_cpu / total_n:8.2f}")
    if os.environ.get("PROFILE_SQL"):
        for kind in KINDS:
            print(f"\n-- {kind}")
            for statement in sql[kind]:
                print("  ", statement[:300])
    if args.json:
        args.json.write_text(json.dumps({"cpu": cpu, "wall": wall, "queries": queries}))
    if profiler is not None:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.limit)


if __name__ == "__main__":
    main()
