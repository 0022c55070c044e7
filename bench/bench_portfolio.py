"""The consultant portfolio with 500 clients: SQL queries per page and median render time.

DESIGN.md section 9: the portfolio of 500 client organizations renders with a constant number
of SQL queries and in <= 300 ms on the 2-core machine. The script seeds 500 clients with 4
scored cycles each (reports with their summary columns and 8 action items per cycle, written
in bulk, no engine runs) into a throwaway database, logs in as their consultant with Django's
test client and requests the page: page 1 sorted by index, and a search with filters. It prints
the number of SQL queries and the median over --runs requests; it asserts nothing about time.

Database: with DATABASE_URL pointing to PostgreSQL, the script drops and creates its own
database `resonance_bench_portfolio` on that server; otherwise a SQLite file in a temporary
folder. PostgreSQL's JIT compiler costs 50-300 ms on these many-subquery statements; compare
with `?options=-c%20jit%3Doff` appended to DATABASE_URL (django-environ passes it to libpq).

    .venv/bin/python bench/bench_portfolio.py [--clients 500] [--runs 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_portfolio.py
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

BENCH_DATABASE = "resonance_bench_portfolio"


def _measure(client, url: str, params: dict[str, str], runs: int) -> tuple[int, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, params)  # warm-up: templates, caches, query plans
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    # Read now: each later request clears the connection's query log.
    query_count = len(queries.captured_queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
    rows = response.content.decode().count("<tr data-client=")
    return query_count, statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="resonance-bench-") as tmp:
        where = bench_django(Path(tmp), database=BENCH_DATABASE)
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from banks.selectors import bank_published
        from tests.accounts.factories import UserFactory
        from tests.scenarios import clients_seed

        # Verified, as every account that logs in must be.
        consultant = UserFactory(email="bench@advice.example")
        started = time.perf_counter()
        clients_seed(bank=bank_published(), consultant=consultant, count=args.clients)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seeded = time.perf_counter() - started
        detail = where
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW jit")
                detail += f", jit={cursor.fetchone()[0]}"
        print(f"database: {connection.vendor} ({detail})")
        print(f"seeded {args.clients} clients x 4 scored cycles x 8 actions in {seeded:.1f} s")

        client = Client()
        client.force_login(consultant)
        url = reverse("consultants:portfolio")
        cases = [
            ("page 1 sorted by index", {"sort": "index"}),
            ("page 1 sorted by change, descending", {"sort": "-change"}),
            ("search 'client 01' + stale=no", {"q": "client 01", "stale": "no"}),
        ]
        print(f"median of {args.runs} requests (budget: 300 ms):")
        for label, params in cases:
            queries, median, rows = _measure(client, url, params, args.runs)
            print(f"  {label:<38} {median:7.1f} ms  {queries} SQL queries  {rows} rows")
        export = reverse("consultants:portfolio_export", args=["xlsx"])
        started = time.perf_counter()
        client.get(export)
        print(
            f"  XLSX export of all {args.clients} rows       "
            f"{(time.perf_counter() - started) * 1000:7.1f} ms (one run)"
        )
        if connection.vendor == "postgresql":
            connection.close()


if __name__ == "__main__":
    main()
