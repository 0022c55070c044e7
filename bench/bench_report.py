"""Worker time of one report (scores, web figures, print charts, PDF, storage) for the demo.

DESIGN.md section 9 budgets <= 3 s of worker time per report (goal, issue #21: 1 s). The script
builds a throwaway database (SQLite in a temporary folder unless BENCH_DATABASE_URL is given),
loads the default bank and the demo bakery, then rebuilds the demo's latest report the way a
worker does (`report_build`, in this process) several times and prints medians: the CPU time of
the whole build and of each phase (engine, web figures, print charts and HTML, WeasyPrint), and
the wall time. The first builds pay for imports and font caches and are reported apart. Prints
figures only; asserts nothing about time.

The build pauses Python's cyclic garbage collector while it computes (reports.services); the
collection that frees the build's cycles (matplotlib's figures, for the most part: the
WeasyPrint document's cycles are cut, reports.pdf_cycles) runs at the first allocation after
it, while the report is stored. It is timed apart, with
`gc.callbacks`, as "garbage collector"; "storage, database, the rest" is what is left.

    .venv/bin/python bench/bench_report.py [--runs N] [--profile LINES]

--profile adds a cProfile of one more build, by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import gc
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


PHASES = (
    ("score", "engine (score, plan)"),
    ("figures", "report content + web figures"),
    ("pdf_html", "print charts + HTML"),
    ("pdf_render", "PDF (WeasyPrint)"),
)


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed rebuilds (default 7)")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="LINES", help="profile one more build"
    )
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

        collecting: list[float] = []  # [started, total] while a build runs

        def on_collection(phase: str, _info: dict[str, int]) -> None:
            if len(collecting) != 2:
                return
            if phase == "start":
                collecting[0] = time.thread_time()
            else:
                collecting[1] += time.thread_time() - collecting[0]

        gc.callbacks.append(on_collection)

        def build() -> tuple[Report, float, float]:
            report = report_request(assessment=assessment, enqueue=False)
            collecting[:] = [0.0, 0.0]
            wall, cpu = time.perf_counter(), time.process_time()
            built = report_build(report_id=report.pk)
            spent = time.perf_counter() - wall, time.process_time() - cpu
            collected.append(collecting[1] * 1000)
            collecting.clear()
            if built is None or built.status != Report.Status.READY:
                sys.exit(f"build failed: {built.error if built else 'report missing'}")
            return built, *spent

        walls: list[float] = []
        cpus: list[float] = []
        collected: list[float] = []
        phases: dict[str, list[float]] = {}
        rest: list[float] = []
        for _ in range(args.runs):
            built, wall, cpu = build()
            walls.append(wall)
            cpus.append(cpu)
            spent = built.timings.get("cpu", {})
            for name, ms in spent.items():
                phases.setdefault(name, []).append(ms)
            # "pdf" holds pdf_html and pdf_render; whatever no phase covers is the rest.
            covered = sum(spent.get(n, 0) for n in ("score", "figures", "pdf"))
            rest.append(cpu * 1000 - covered - collected[-1])
        size = built.pdf.size
        respondents = sum((built.result or {})["respondents"].values())
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(build)
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.profile)
            stats.sort_stats("tottime").print_stats(args.profile)

    print(f"demo assessment: {assessment} ({respondents} respondents, 64 questions)")
    print(f"demo seed with its two first builds (imports, font caches): {seed_s:.2f} s")
    print(f"runs: {args.runs}, PDF {size / 1024:.0f} KiB; medians of the runs:")
    print(f"  worker CPU time of one report  {_ms([c * 1000 for c in cpus])}")
    for name, label in PHASES:
        print(f"    {label:30s} {_ms(phases.get(name, [0]))}")
    print(f"    {'garbage collector':30s} {_ms(collected[: args.runs])}")
    print(f"    {'storage, database, the rest':30s} {_ms(rest)}")
    print(
        f"  wall time of one report        {_ms([w * 1000 for w in walls])}"
        f" (min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f})"
    )
    print("budget (DESIGN.md section 9): <= 3 s; goal (issue #21): <= 1 s of worker time")


if __name__ == "__main__":
    main()
