"""The daily drift run over many organizations: SQL queries and time, at two plan sizes.

DESIGN.md §10 and issue #16: the drift task over 500 organizations runs a number of queries that
does not grow with the number of action items. The script seeds --clients clients (4 scored
cycles each, their owner, a consultant with access) with 8 action items per cycle, then copies
every item three times (32 per cycle), and runs the daily task's work in this process (the sending is left to workers and not
timed: the run only queues it). It prints, per size, the SQL queries and the median time over
--runs runs of recording (drift_record), and the first full run with its digests. Asserts nothing.

    .venv/bin/python bench/bench_drift.py [--clients 500] [--runs 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_drift.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.django_setup import bench_django  # noqa: E402 - after the path is set

BENCH_DATABASE = "resonance_bench_drift"


def _seed(count: int, items: int, tag: str) -> None:
    from banks.selectors import bank_published
    from organizations.models import Membership
    from tests.accounts.factories import UserFactory
    from tests.scenarios import clients_seed

    consultant = UserFactory(email=f"bench-{tag}@advice.example")
    organizations = clients_seed(
        bank=bank_published(), consultant=consultant, count=count, items=items
    )
    owners = [UserFactory.build(email=f"owner-{tag}-{n}@example.com") for n in range(count)]
    from django.contrib.auth.models import User

    owners = User.objects.bulk_create(owners)
    Membership.objects.bulk_create(
        Membership(user=owner, organization=org, role=Membership.Role.OWNER)
        for owner, org in zip(owners, organizations, strict=True)
    )


def _measure(runs: int) -> tuple[int, float, dict[str, int], float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alerts import services
    from alerts.models import Digest, DriftEvent

    services._queue = lambda name, pk: None  # the workers' part; not measured here
    DriftEvent.objects.all().delete()
    Digest.objects.all().delete()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        first = services.drift_daily_run()
    first_ms = (time.perf_counter() - started) * 1000
    full_queries = len(queries.captured_queries)
    times = []
    for _ in range(runs):
        DriftEvent.objects.all().delete()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            services.drift_record()
        times.append((time.perf_counter() - started) * 1000)
    return len(queries.captured_queries), statistics.median(times), first, first_ms, full_queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="resonance-bench-") as tmp:
        where = bench_django(Path(tmp), database=BENCH_DATABASE)
        from django.db import connection

        print(f"database: {connection.vendor} ({where})")
        from reports.models import ActionItem

        _seed(args.clients, 8, tag="bench")
        for size in (8, 32):
            if size == 32:
                # Four times the plan: copies of every item, so only the row count changes.
                fields = [f.attname for f in ActionItem._meta.concrete_fields if f.attname != "id"]
                extra = [
                    ActionItem(
                        **{name: getattr(item, name) for name in fields},
                    )
                    for item in ActionItem.objects.all()
                    for _copy in range(3)
                ]
                for n, item in enumerate(extra):
                    item.question_code = f"{item.question_code[:140]}-copy{n}"
                ActionItem.objects.bulk_create(extra, batch_size=2000)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            queries, median, first, first_ms, full_queries = _measure(args.runs)
            print(
                f"{args.clients} clients, {ActionItem.objects.count()} action items: "
                f"recording {median:.0f} ms median of {args.runs}, {queries} SQL queries; "
                f"first full run {first_ms:.0f} ms, {full_queries} queries, {first}"
            )
        if connection.vendor == "postgresql":
            connection.close()


if __name__ == "__main__":
    main()
