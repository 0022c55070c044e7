"""SIGKILL Celery workers in the middle of report builds; check that every report still ends ready.

The script starts its own stack on loopback: a private redis-server on a free port, a fresh
PostgreSQL database (BENCH_DATABASE_URL, default resonance_bench_faults), one `celery beat`
sending the report sweep every 2 s, and prefork workers. Then, for each kill:

1. close a cycle (an answered assessment) so its report is queued and published;
2. wait until a worker has started the build, let it run for part of a typical build;
3. SIGKILL it:
   - `child`: the pool process that runs the build (the OOM killer's usual victim); the
     worker's main process sees the loss and, with task_reject_on_worker_lost, hands the
     message back at once;
   - `worker`: the whole worker, main process and child (a lost machine); its message stays
     unacknowledged in Redis until the visibility timeout (an hour), so the sweep re-queues
     the report once its build has run longer than REPORT_SWEEP_RUNNING_AFTER (15 s here,
     the hard time limit plus a minute in production); a replacement worker starts at once;
4. time until the report is ready.

Then Redis is stopped: cycles are closed while it is down (their reports stay queued), Redis
comes back empty, and beat's sweep gets them built.

Prints kills, reports ready, duplicate action-item sets (must be 0), the median time to
recover per mode, and the median time a close takes with Redis down. Asserts nothing about time.

    .venv/bin/python bench/kill_workers.py [--kills 20] [--mode child|worker|both]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stack import Worker, fresh_postgres_database, start_beat  # noqa: E402
from tests.worker import RedisServer, free_port, wait_for  # noqa: E402

# Seconds between status reads while waiting: recovery times are measured to this.
POLL = 0.05
BUILD_TIMEOUT = 180.0


def _environment(tmp: Path, redis: RedisServer, database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "alignment_site.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "MEDIA_ROOT": str(tmp / "media"),
        "REPORT_SWEEP_SECONDS": "2",
        "REPORT_SWEEP_QUEUED_AFTER": "10",
        "REPORT_SWEEP_RUNNING_AFTER": "15",
        "REMINDER_SWEEP_SECONDS": "86400",
        "LOG_LEVEL": "WARNING",
    }


def _setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_bank", str(ROOT / "banks" / "default.yaml"), verbosity=0)


class Bench:
    def __init__(self, tmp: Path, env: dict[str, str], redis: RedisServer) -> None:
        from banks.models import QuestionBank

        self.tmp, self.env, self.redis = tmp, env, redis
        self.bank = QuestionBank.objects.filter(status="published").latest("version")
        self.seq = 0
        self.workers: list[Worker] = []

    def worker(self) -> Worker:
        worker = Worker(env=self.env, name=f"w{len(self.workers)}", log=self.tmp / "workers.log")
        worker.start()
        self.workers.append(worker)
        return worker

    def open_assessment(self):
        from assessments.models import Assessment
        from tests.scenarios import answered_assessment

        self.seq += 1
        return answered_assessment(
            self.bank,
            status=Assessment.Status.OPEN,
            seed=self.seq,
            owner_email=f"owner{self.seq}@bench.example",
            organization_name=f"Bench {self.seq}",
        )

    def status(self, report_id: int) -> str:
        from reports.models import Report

        return Report.objects.values_list("status", flat=True).get(pk=report_id)

    def close(self, assessment) -> int:
        from reports.models import Report
        from reports.services import assessment_close_and_report

        assessment_close_and_report(assessment=assessment)
        return Report.objects.values_list("pk", flat=True).get(assessment=assessment)


def _reaches(bench: Bench, report_id: int, status: str) -> bool:
    """Wait until the report has the status; False when BUILD_TIMEOUT passes first."""
    return wait_for(lambda: bench.status(report_id) == status, timeout=BUILD_TIMEOUT, interval=POLL)


def _warm_up(bench: Bench) -> float:
    """Build one report without a kill; return its duration in seconds."""
    from reports.models import Report

    report_id = bench.close(bench.open_assessment())
    if not _reaches(bench, report_id, "ready"):
        sys.exit("the warm-up report was never built; see workers.log")
    return Report.objects.get(pk=report_id).duration_ms / 1000


def _typical_build() -> float:
    """Return the median duration of the last few finished builds, in seconds."""
    from reports.models import Report

    recent = Report.objects.filter(status="ready", duration_ms__isnull=False).order_by(
        "-finished_at"
    )
    return statistics.median(recent.values_list("duration_ms", flat=True)[:5]) / 1000


def _kill_round(bench: Bench, worker: Worker, mode: str) -> tuple[int, float] | None:
    """Kill a worker mid-build once; return the report id and seconds until it was ready.

    Returns None when the build ended before the kill landed (the kill missed).
    """
    typical = _typical_build()
    report_id = bench.close(bench.open_assessment())
    if not _reaches(bench, report_id, "running"):
        raise RuntimeError(f"report {report_id} never started")
    time.sleep(random.uniform(0.2, 0.5) * typical)
    if bench.status(report_id) != "running":
        _reaches(bench, report_id, "ready")
        return None
    killed_at = time.monotonic()
    if mode == "child":
        children = worker.pool_children()
        for pid in children:
            os.kill(pid, signal.SIGKILL)
    else:
        worker.kill_hard()
        bench.workers[bench.workers.index(worker)] = bench.worker()
    if not _reaches(bench, report_id, "ready"):
        raise RuntimeError(f"report {report_id} was not ready {BUILD_TIMEOUT:.0f} s after a kill")
    recovered = time.monotonic() - killed_at
    from reports.models import Report

    if Report.objects.get(pk=report_id).attempts < 2:
        return None  # it finished in the instant between the check and the kill
    return report_id, recovered


def _check(report_ids: list[int]) -> tuple[int, int, list[int]]:
    """Return (ready, duplicate action-item sets, attempts per report)."""
    from django.db.models import Count

    from reports.models import ActionItem, Report

    reports = Report.objects.filter(pk__in=report_ids)
    ready = reports.filter(status=Report.Status.READY).count()
    duplicates = 0
    for report in reports:
        items = ActionItem.objects.filter(assessment_id=report.assessment_id)
        repeated = items.values("question_code").annotate(n=Count("pk")).filter(n__gt=1).exists()
        if repeated or items.count() != len((report.result or {}).get("action_plan", [])):
            duplicates += 1
    attempts = list(reports.order_by("pk").values_list("attempts", flat=True))
    return ready, duplicates, attempts


def _reports_since(report_ids: list[int]) -> list[int]:
    """Return the reports of this mode's rounds that were not counted as kills."""
    from reports.models import Report

    first = min(report_ids, default=0)
    return list(
        Report.objects.filter(pk__gte=first).exclude(pk__in=report_ids).values_list("pk", flat=True)
    )


def _redis_down(bench: Bench, closes: int) -> None:
    from reports.models import Report

    assessments = [bench.open_assessment() for _ in range(closes)]
    bench.redis.stop()
    timings, report_ids = [], []
    for assessment in assessments:
        started = time.perf_counter()
        report_ids.append(bench.close(assessment))
        timings.append(time.perf_counter() - started)
    queued = Report.objects.filter(pk__in=report_ids, status=Report.Status.QUEUED).count()
    bench.redis.start()  # empty: none of those messages ever reached it
    back = time.monotonic()
    done = wait_for(
        lambda: Report.objects.filter(pk__in=report_ids, status="ready").count() == closes,
        timeout=BUILD_TIMEOUT,
        interval=0.2,
    )
    recovered = time.monotonic() - back
    ready, duplicates, _attempts = _check(report_ids)
    print(f"\nRedis down: {closes} cycles closed while it was stopped")
    print(f"  close took (median)          {statistics.median(timings) * 1000:.0f} ms")
    print(f"  close took (max)             {max(timings) * 1000:.0f} ms")
    print(f"  reports left queued          {queued}/{closes}")
    print(f"  ready after Redis came back  {ready}/{closes}" + ("" if done else " (timed out)"))
    print(f"  time until all were ready    {recovered:.1f} s (sweep every 2 s, after 10 s)")
    print(f"  duplicate action-item sets   {duplicates}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20, help="kills per mode (default 20)")
    parser.add_argument("--mode", choices=["child", "worker", "both"], default="both")
    parser.add_argument("--redis-down-closes", type=int, default=5)
    args = parser.parse_args()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/resonance_bench_faults"
    )
    fresh_postgres_database(database_url)
    with tempfile.TemporaryDirectory(prefix="resonance-faults-") as folder:
        tmp = Path(folder)
        redis = RedisServer(free_port())
        redis.start()
        env = _environment(tmp, redis, database_url)
        _setup(env)
        bench = Bench(tmp, env, redis)
        beat = start_beat(env=env, schedule=tmp / "beat-schedule", log=tmp / "beat.log")
        try:
            worker = bench.worker()
            _warm_up(bench)  # the first build pays for imports and font caches
            print(f"a warm build takes {_warm_up(bench):.2f} s; kills land 20-50 % into one")
            modes = ["child", "worker"] if args.mode == "both" else [args.mode]
            for mode in modes:
                report_ids, recoveries, missed = [], [], 0
                while len(report_ids) < args.kills and missed < args.kills:
                    outcome = _kill_round(bench, bench.workers[-1], mode)
                    if outcome is None:
                        missed += 1
                        continue
                    report_ids.append(outcome[0])
                    recoveries.append(outcome[1])
                ready, duplicates, attempts = _check(report_ids)
                _all_ready, missed_duplicates, _ = _check(_reports_since(report_ids))
                duplicates += missed_duplicates
                print(f"\nSIGKILL {mode}: {len(report_ids)} kills in the middle of a build")
                print(f"  missed (build ended first)   {missed} (not counted; checked too)")
                print(f"  reports ready                {ready}/{len(report_ids)}")
                print(f"  duplicate action-item sets   {duplicates}")
                print(f"  attempts per report          {sorted(set(attempts))}")
                print(f"  time to recover (median)     {statistics.median(recoveries):.1f} s")
                print(f"  time to recover (max)        {max(recoveries):.1f} s")
            if args.redis_down_closes > 0:
                _redis_down(bench, args.redis_down_closes)
            print(f"\nlogs were in {tmp} (removed on exit)")
        finally:
            for worker in bench.workers:
                worker.stop()
            beat.terminate()
            beat.wait(timeout=30)
            redis.stop()


if __name__ == "__main__":
    main()
