"""The raw-answer export of 100,000 answers: CSV and XLSX, median wall time of whole downloads.

Issue #21 asks for 100,000 answers in <= 2 s (CSV) on the 2-core machine. The script seeds one
organization with one closed cycle on the default bank (64 questions): an owner and enough
managers and staff for --answers answers (about one in ten with a comment), written in bulk.
It then downloads the export as its owner through Django's test client — the whole view:
scoping, queries, the streamed CSV or the constant-memory workbook — reading the body chunk by
chunk as a client saving it would, and prints the median over --runs downloads, the SQL
statements of one download, the size, and the peak memory Python allocated during one more
(untimed) download. `api` in --formats adds the API's JSON stream. It asserts nothing about time.

Database: with DATABASE_URL pointing to PostgreSQL, the script drops and creates its own
database `resonance_bench_export` on that server; otherwise a SQLite file in a temporary folder.

    .venv/bin/python bench/bench_export.py [--answers 100000] [--runs 3] [--formats csv,xlsx,api]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_export.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.django_setup import bench_django  # noqa: E402 - after the path is set

BENCH_DATABASE = "resonance_bench_export"


def _seed(answers: int) -> tuple[object, object]:
    """Create the organization, its owner and a closed cycle holding about `answers` answers."""
    from django.utils import timezone

    from assessments.models import Answer, Assessment, Response
    from banks.models import Question
    from banks.selectors import bank_published
    from organizations.models import Level, Membership, Organization
    from tests.accounts.factories import UserFactory

    owner = UserFactory(email="owner@bench.example")  # verified, as log-ins must be
    organization = Organization.objects.create(
        name="Bench Bakery", industry="food", size_band="micro", capacity_days_per_month=8
    )
    Membership.objects.create(organization=organization, user=owner, role=Membership.Role.OWNER)
    bank = bank_published()
    cycle = Assessment.objects.create(
        organization=organization,
        bank=bank,
        label="2026-Q4",
        status=Assessment.Status.CLOSED,
        strategy_snapshot={"value_discipline": "operational_excellence", "segment": "families"},
        created_by=owner,
        closed_at=timezone.now(),
    )
    questions = list(
        Question.objects.filter(area__dimension__bank=bank).values_list("pk", flat=True)
    )
    respondents = max(1, round(answers / len(questions)))
    now = timezone.now()
    levels = [Level.OWNER] + [
        Level.MANAGER if n % 5 == 0 else Level.STAFF for n in range(respondents - 1)
    ]
    responses = Response.objects.bulk_create(
        Response(
            assessment=cycle,
            level=level,
            user=owner if level == Level.OWNER else None,
            submitted_at=now,
        )
        for level in levels
    )
    rng = random.Random(21)
    batch: list[Answer] = []
    for response in responses:
        for question in questions:
            current = rng.choice((1, 2, 3, 4, 5, None))
            batch.append(
                Answer(
                    response=response,
                    question_id=question,
                    current=current,
                    target=rng.choice((None, 4, 5)) if response.level == Level.OWNER else None,
                    comment="We could do better here, says the night shift."
                    if rng.random() < 0.1
                    else "",
                )
            )
        if len(batch) >= 20_000:
            Answer.objects.bulk_create(batch)
            batch = []
    Answer.objects.bulk_create(batch)
    return owner, organization


class _Recorder:
    """Count every statement sent (Django's query log is cleared when a request starts)."""

    def __init__(self, statements: list[str]) -> None:
        self.statements = statements

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


def _download(client, url: str) -> int:
    """Return the size of the whole body, read chunk by chunk."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


def _peak_memory(client, url: str) -> int:
    """Return the most memory Python held at once during one download, in bytes."""
    tracemalloc.start()
    try:
        _download(client, url)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx, api")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="resonance-bench-") as tmp:
        where = bench_django(Path(tmp), database=BENCH_DATABASE)
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from assessments.models import Answer
        from tests.api.conftest import token_client

        started = time.perf_counter()
        owner, organization = _seed(args.answers)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        stored = Answer.objects.count()
        print(f"database: {connection.vendor} ({where}); load average {os.getloadavg()[0]:.1f}")
        print(f"seeded {stored:,} answers in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(owner)
        print(f"median of {args.runs} downloads (target: CSV <= 2 s):")
        for fmt in args.formats.split(","):
            if fmt == "api":
                cycle = organization.assessments.get()
                url, reader = f"/api/cycles/{cycle.pk}/raw-answers/", token_client(owner)
            else:
                kwargs = {"pk": organization.pk, "fmt": fmt}
                url, reader = reverse("clients:raw_answers_export", kwargs=kwargs), client
            statements: list[str] = []
            with connection.execute_wrapper(_Recorder(statements)):
                size = _download(reader, url)
            times, cpu = [], []
            for _ in range(args.runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                size = _download(reader, url)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            runs = ", ".join(f"{t:.2f}" for t in times)
            # CPU seconds of this process (Django's side, not the database's): on a shared,
            # busy machine the wall time says more about the neighbours than about the code.
            print(
                f"  {fmt.upper():<5} {statistics.median(times):6.2f} s  (runs: {runs}; "
                f"CPU {statistics.median(cpu):.2f} s)  "
                f"{len(statements)} SQL statements  {size / 1e6:.1f} MB  "
                f"peak Python memory {_peak_memory(reader, url) / 1e6:.1f} MB",
                flush=True,
            )
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        if connection.vendor == "postgresql":
            connection.close()


if __name__ == "__main__":
    main()
