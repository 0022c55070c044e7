"""Engine throughput: assessments scored per second (DESIGN.md section 9 asks for >= 2,000/s).

A 64-question bank (4 dimensions x 4 areas x 4 questions, 11 rules, half the questions with a
scale_back template, remedies on the high rules and for every pitfall) and seeded random
assessments with 5 respondents (1 owner, 1 manager, 3 staff, some "don't know" answers), scored
with priorities, the v2 action plan (K = 8) and strategy fit. Prints figures only; asserts
nothing about time. Each figure is the median over the runs of the wall-clock rate and of the
CPU time per assessment (time.process_time, this process only): on a shared machine the CPU
time moves less, so compare it (or ratios measured in one session) between versions.

It measures the engine `scoring` imports: compiled by `make install` (mypyc), or plain Python
after `make clean-native`; the first lines say which.

    .venv/bin/python bench/bench_scoring.py [--assessments N] [--runs R] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.bank import Bank, parse_bank
from scoring.constants import DISCIPLINES
from scoring.engine import Result, result_to_json, score_assessment
from scoring.inputs import AssessmentInput, parse_input
from scoring.native import NATIVE_MODULES, compiled_modules

DIMENSIONS = ("market", "operational", "financial", "organizational")
LEVELS = ("owner", "manager", "staff", "staff", "staff")


def _action(rng: random.Random, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "specific": "Agree with the team how {area} serves {segment}.",
        "kpi": "progress on {area}",
        "unit": "%",
        "owner_role": "owner",
        "effort": rng.randint(1, 5),
        "effort_days": rng.choice([1, 2, 4, 8, 15]),
        "duration_weeks": rng.randint(1, 8),
        "kpi_target": 80,
        "kpi_direction": "up",
    }


def bench_bank(rng: random.Random) -> dict[str, Any]:
    """Return a 64-question bank in the YAML structure, with rules of every form."""
    dimensions = []
    for d in DIMENSIONS:
        areas = []
        for a in range(4):
            area = f"{d}.area{a}"
            questions = [
                {
                    "code": f"{area}.q{q}",
                    "text": f"Statement {q} about {area}.",
                    "help": "1 = not at all, 5 = fully and routinely",
                    "weight": rng.choice([0.5, 1.0, 1.0, 1.5, 2.0]),
                    "targets": {disc: rng.randint(2, 5) for disc in DISCIPLINES},
                    "action": _action(rng, "Improve {area} at {organization}"),
                }
                for q in range(4)
            ]
            for question in questions[::2]:
                question["scale_back"] = _action(rng, "Scale back {area}")
            areas.append(
                {"code": area, "title": f"Area {a} of {d}", "weight": 1.0, "questions": questions}
            )
        dimensions.append({"code": d, "title": d.title(), "weight": 1.0, "areas": areas})
    q = "market.area0.q0"
    rules = [
        {"strategy": "value_discipline", "equals": "operational_excellence"},
        {"question": q, "current_at_least": 4},
        {"question": "financial.area1.q2", "current_at_most": 2},
        {"area": "organizational.area3", "score_below": 60},
        {"dimension": "operational", "score_below": 70},
        {
            "all": [
                {"strategy": "primary_value", "equals": "price"},
                {"question": q, "current_at_least": 3},
            ]
        },
        {
            "any": [
                {"area": "market.area1", "score_below": 50},
                {"not": {"question": q, "current_at_most": 4}},
            ]
        },
        {"not": {"dimension": "financial", "score_below": 80}},
        {
            "all": [
                {"strategy": "segment", "equals": "families"},
                {"any": [{"area": "financial.area0", "score_below": 70}]},
            ]
        },
        {"question": "operational.area2.q1", "current_at_least": 5},
        {"question": "organizational.area1.q0", "level": "others", "current_at_most": 2},
    ]
    remedies = {2: ["financial.area1.q2"], 5: [q], 8: ["financial.area0.q1"]}
    remedies[10] = ["organizational.area1.q0"]
    return {
        "bank": "bench",
        "version": 1,
        "title": "Benchmark bank",
        "scale": {"min": 1, "max": 5},
        "dimensions": dimensions,
        "rules": [
            {
                "code": f"rule-{i}",
                "severity": ("low", "medium", "high")[i % 3],
                "message": f"Rule {i}.",
                "when": when,
                **({"remedies": remedies[i]} if i in remedies else {}),
            }
            for i, when in enumerate(rules)
        ],
        "pitfall_areas": {"market_trends": "market.area1", "culture": "organizational.area0"},
        "pitfall_remedies": {
            "communication": ["organizational.area1.q0", "organizational.area1.q1"],
            "silos": ["operational.area0.q0"],
            "market_changes": ["market.area1.q0", "market.area1.q3"],
            "culture": ["organizational.area0.q2"],
        },
        "pulse_questions": ["organizational.area1.q0"],
    }


def bench_input(rng: random.Random, codes: list[str]) -> dict[str, Any]:
    """Return one assessment in the JSON input shape: 5 respondents, ~10 % "don't know"."""
    responses = []
    for level in LEVELS:
        answers: dict[str, Any] = {}
        for code in codes:
            current = None if rng.random() < 0.1 else rng.randint(1, 5)
            if level == "owner" and rng.random() < 0.2:
                answers[code] = {"current": current, "target": rng.randint(1, 5)}
            else:
                answers[code] = current
        responses.append({"level": level, "answers": answers})
    return {
        "strategy": {
            "value_discipline": rng.choice(DISCIPLINES),
            "segment": "families",
            "primary_value": rng.choice(["price", "quality", None]),
        },
        "organization": {"name": "Bench Bakery", "capacity_days_per_month": rng.choice([4, 8, 16])},
        "plan_start": "2027-01-04",
        "history": ["2025-06-01"],
        "responses": responses,
    }


class Timing(NamedTuple):
    """One timed run: wall-clock rate and CPU seconds per assessment of this process."""

    rate: float  # assessments per wall-clock second
    cpu: float  # CPU seconds (time.process_time) per assessment


def timed(count: int, run: Callable[[], object]) -> Timing:
    # CPU time counts only this process, so it moves less than wall time when other processes
    # share the cores; both are printed.
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Timing(count / wall if wall > 0 else float("inf"), cpu / count)


def calibration() -> float:
    """Return the milliseconds one million trivial loop steps take (the machine's pace)."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return best * 1000


def run_scores(bank: Bank, inputs: list[AssessmentInput]) -> Timing:
    def run() -> None:
        for data in inputs:
            score_assessment(bank, data)

    return timed(len(inputs), run)


def run_parse_and_score(bank: Bank, raw: list[dict[str, Any]]) -> Timing:
    def run() -> None:
        for data in raw:
            score_assessment(bank, parse_input(data, bank, source="bench"))

    return timed(len(raw), run)


def run_with_json(bank: Bank, raw: list[dict[str, Any]]) -> Timing:
    def run() -> None:
        for data in raw:
            result_to_json(score_assessment(bank, parse_input(data, bank, source="bench")))

    return timed(len(raw), run)


def run_json_only(results: list[Result]) -> Timing:
    def run() -> None:
        for result in results:
            result_to_json(result)

    return timed(len(results), run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20270104)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    bank = parse_bank(bench_bank(rng))
    codes = list(bank.questions)
    raw = [bench_input(rng, codes) for _ in range(args.assessments)]
    inputs = [parse_input(data, bank, source="bench") for data in raw]
    print(f"bank: {bank.summary()}; {len(inputs)} assessments x {len(LEVELS)} respondents")
    compiled = compiled_modules()
    print(
        f"engine: compiled with mypyc ({len(compiled)} of {len(NATIVE_MODULES)} modules)"
        if compiled
        else "engine: plain Python (`make compile` builds the compiled modules)"
    )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_scores(bank, inputs)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)

    run_scores(bank, inputs[:200])  # warm-up
    results = [score_assessment(bank, data) for data in inputs]
    figures = {
        "score_assessment (priorities + v2 plan)": [
            run_scores(bank, inputs) for _ in range(args.runs)
        ],
        "parse_input + score_assessment": [
            run_parse_and_score(bank, raw) for _ in range(args.runs)
        ],
        "parse_input + score + result_to_json": [
            run_with_json(bank, raw) for _ in range(args.runs)
        ],
        "result_to_json alone": [run_json_only(results) for _ in range(args.runs)],
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"median of {args.runs} runs, one process, {date.today().isoformat()}, "
        f"{os.cpu_count()} CPUs, load average {load:.2f}, "
        f"1e6 loop steps in {calibration():.0f} ms:"
    )
    print(f"  {'':<40} {'wall clock: median (min..max)':<32} CPU time: median per assessment")
    for label, timings in figures.items():
        rates = [t.rate for t in timings]
        wall = f"{statistics.median(rates):.0f}/s ({min(rates):.0f}..{max(rates):.0f})"
        cpu = statistics.median(t.cpu for t in timings)
        print(
            f"  {label:<40} {wall:<32} {cpu * 1e6:.0f} us = {1 / cpu if cpu else float('inf'):.0f}/s"
        )
    print("budget (DESIGN.md section 9): >= 2000 assessments/s for score_assessment (goal 5000)")


if __name__ == "__main__":
    main()
