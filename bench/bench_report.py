"""Worker time of one report (scores, web figures, print charts, PDF, storage) for the demo.

DESIGN.md section 9 budgets <= 3 s of worker time per report. The script builds a throwaway
database (SQLite in a temporary folder unless BENCH_DATABASE_URL is given), loads the default
bank and the demo bakery, then rebuilds the demo's latest report the way a worker does
(`report_build`, in this process) and prints the median wall and CPU time, with the median of
each phase. The first build pays for imports and font caches and is reported apart. Prints
figures only; asserts nothing about time.

    .venv/bin/python bench/bench_report.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "alignment_site.settings.test"
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"
    )
    os.environ["REDIS_URL"] = ""  # the demo queues messages: keep them in a throwaway folder
    os.environ["CELERY_BROKER_DIR"] = str(folder / "broker")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = folder / "media"
    from alignment_site.celery import ensure_broker_folders

    ensure_broker_folders()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_bank", str(ROOT / "banks" / "default.yaml"), verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed rebuilds (default 7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="resonance-bench-") as tmp:
        _setup(Path(tmp))
        from assessments.models import Assessment
        from demo.services import demo_seed
        from reports.models import Report
        from reports.services import report_build, report_request

        started = time.perf_counter()
        demo_seed()
        seed_s = time.perf_counter() - started
        assessment = Assessment.objects.filter(report__isnull=False).order_by("-created_at").first()
        if assessment is None:
            sys.exit("the demo seed built no report")
        walls: list[float] = []
        cpus: list[float] = []
        phases: dict[str, list[int]] = {}
        for _ in range(args.runs):
            report = report_request(assessment=assessment, enqueue=False)
            wall, cpu = time.perf_counter(), time.process_time()
            built = report_build(report_id=report.pk)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            if built is None or built.status != Report.Status.READY:
                sys.exit(f"build failed: {built.error if built else 'report missing'}")
            for name, ms in built.timings.items():
                phases.setdefault(name, []).append(ms)
        size = built.pdf.size
        respondents = sum(built.result["respondents"].values())

    print(f"demo assessment: {assessment} ({respondents} respondents, 64 questions)")
    print(f"demo seed with its two first builds (imports, font caches): {seed_s:.2f} s")
    print(f"runs: {args.runs}, PDF {size / 1024:.0f} KiB")
    print(
        f"median worker time of one report (HTML figures + PDF): {statistics.median(walls):.3f} s "
        f"wall, {statistics.median(cpus):.3f} s CPU (min {min(walls):.3f} s, max {max(walls):.3f} s)"
    )
    print(
        "median per phase: "
        + ", ".join(f"{name} {statistics.median(values):.0f} ms" for name, values in phases.items())
    )
    print("budget (DESIGN.md §9): <= 3 s")


if __name__ == "__main__":
    main()
