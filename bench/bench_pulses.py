"""Pulses: saving a pulse answer under concurrent load, and latest_area_drops over many clients.

1. Saving: one organization with a scored cycle opens a pulse for --people recipients (beat's
   own service). Each person, in a thread of their own, sends --saves batch saves of one
   changed answer through the real URL (Django's test client, the full middleware stack), as
   the pulse page's autosave does. Prints the median and p95 of one save, and checks that
   every answer ends as last sent.
2. Drops: --orgs organizations with three closed pulses each (rows written in bulk); prints the
   SQL queries and the median time of `latest_area_drops` over all of them.

Asserts nothing about time. Database: with DATABASE_URL pointing to PostgreSQL, the script drops
and creates its own database `resonance_bench_pulses`; otherwise a SQLite file (where concurrent
writers queue behind one lock, so the save figure means little there).

    .venv/bin/python bench/bench_pulses.py [--people 50] [--saves 20] [--orgs 500]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.django_setup import bench_django  # noqa: E402 - after the path is set

BENCH_DATABASE = "resonance_bench_pulses"


def _opened_pulse(people: int):
    """Return (pulse, {email: token}) for a scored bakery whose pulse has `people` links."""
    import re

    from django.core import mail

    from banks.models import QuestionBank
    from organizations.models import Level
    from pulses.services import pulse_cadence_set, pulses_open_due
    from tests.accounts.factories import UserFactory
    from tests.assessments.factories import InvitationFactory
    from tests.organizations.factories import MembershipFactory
    from tests.scenarios import scored_cycle

    bank = QuestionBank.objects.get(status=QuestionBank.Status.PUBLISHED)
    owner = UserFactory(email="owner@bench.example")
    organization = MembershipFactory(user=owner).organization
    cycle = scored_cycle(organization, bank, label="B1", days_ago=10)
    for n in range(people - 1):
        InvitationFactory(assessment=cycle, email=f"p{n}@bench.example", level=Level.STAFF)
    pulse_cadence_set(organization=organization, cadence="monthly")
    mail.outbox.clear()
    (pulse_id,) = pulses_open_due()
    tokens = {m.to[0]: re.search(r"/pulse/([^/\s]+)/", m.body).group(1) for m in mail.outbox}
    from pulses.models import Pulse

    return Pulse.objects.get(pk=pulse_id), tokens


def bench_saves(people: int, saves: int) -> None:
    from django.db import connection
    from django.test import Client

    from pulses.models import PulseAnswer

    pulse, tokens = _opened_pulse(people)
    codes = list(
        pulse.pulse_questions.order_by("position").values_list("question__code", flat=True)
    )
    times: list[float] = []
    last: dict[tuple[str, str], int] = {}
    lock = threading.Lock()
    start = threading.Barrier(len(tokens))

    def person(email: str, token: str, seed: int) -> None:
        client = Client()
        url = f"/app/pulse/{token}/save/"
        mine = []
        start.wait()
        try:
            for n in range(saves):
                code = codes[(seed + n) % len(codes)]
                value = (seed + n) % 5 + 1
                body = json.dumps([{"question": code, "current": value, "seq": n + 1}])
                began = time.perf_counter()
                reply = client.post(url, body, content_type="application/json")
                mine.append((time.perf_counter() - began) * 1000)
                if reply.status_code != 200:
                    raise RuntimeError(f"{reply.status_code}: {reply.content[:200]!r}")
                with lock:
                    last[email, code] = value
        finally:
            connection.close()
        with lock:
            times.extend(mine)

    threads = [
        threading.Thread(target=person, args=(email, token, n))
        for n, (email, token) in enumerate(sorted(tokens.items()))
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    stored = {
        (email, code): current
        for email, code, current in PulseAnswer.objects.filter(link__pulse=pulse).values_list(
            "link__email", "question__code", "current"
        )
    }
    wrong = sum(1 for key, value in last.items() if stored.get(key) != value)
    times.sort()
    p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
    print(
        f"pulse answer save: {len(tokens)} people at once, {len(times)} saves in {wall:.1f} s "
        f"({len(times) / wall:.0f}/s): median {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms; answers not as last sent: {wrong}"
    )


def bench_drops(orgs: int, runs: int = 15) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from assessments.models import Assessment
    from banks.models import QuestionBank
    from organizations.models import Organization
    from pulses.models import Pulse
    from pulses.selectors import latest_area_drops

    bank = QuestionBank.objects.get(status=QuestionBank.Status.PUBLISHED)
    now = timezone.now()
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Client {n}", industry="food", size_band="micro") for n in range(orgs)
    )
    cycles = Assessment.objects.bulk_create(
        Assessment(organization=o, bank=bank, label="C1", status="scored") for o in organizations
    )
    pulses = []
    for n, cycle in enumerate(cycles):
        for k in range(3):
            opened = now - timedelta(days=40 * (3 - k))
            areas = {
                f"area.{a}": {"score": 70.0 - (n % 3) * 6 * k, "previous": 70.0} for a in range(6)
            }
            pulses.append(
                Pulse(
                    organization_id=cycle.organization_id,
                    assessment=cycle,
                    period_start=opened.date(),
                    opened_at=opened,
                    closes_at=opened + timedelta(days=7),
                    closed_at=opened + timedelta(days=7),
                    respondents=5,
                    others=4,
                    result={"areas": areas},
                )
            )
    Pulse.objects.bulk_create(pulses)
    ids = [o.pk for o in organizations]
    latest_area_drops(ids)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        drops = latest_area_drops(ids)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        latest_area_drops(ids)
        times.append((time.perf_counter() - began) * 1000)
    print(
        f"latest_area_drops over {orgs} organizations ({len(pulses)} pulses): "
        f"{len(queries)} SQL quer{'y' if len(queries) == 1 else 'ies'}, "
        f"median {statistics.median(times):.1f} ms; {len(drops)} with a drop"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--orgs", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="resonance-bench-") as tmp:
        where = bench_django(Path(tmp), database=BENCH_DATABASE)
        print(f"database: {where}")
        from django.conf import settings

        # The report build's PDF is not what this bench measures.
        from reports import pdf

        pdf.pdf_engine_problem = lambda: "PDFs are not built in this bench"
        settings.ALLOWED_HOSTS = ["*"]
        bench_saves(args.people, args.saves)
        bench_drops(args.orgs)


if __name__ == "__main__":
    main()
