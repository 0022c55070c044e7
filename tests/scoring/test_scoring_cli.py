"""`python -m scoring`: JSON on success; one line on stderr and status 2 on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from scoring_testkit import bank_dict

from scoring.bank import dump_bank_yaml, parse_bank

ROOT = Path(__file__).resolve().parents[2]
RULE = {
    "code": "premium-inputs",
    "severity": "high",
    "message": "Premium inputs on a cost strategy.",
    "when": {"question": "market.customers.feedback", "current_at_least": 4},
}
INPUT = {
    "strategy": {"value_discipline": "operational_excellence", "segment": "budget families"},
    "organization": {"name": "Crumb & Cö", "capacity_days_per_month": 8},
    "plan_start": "2027-01-04",
    "responses": [
        {
            "level": "owner",
            "answers": {
                "market.customers.feedback": {"current": 2, "target": 5},
                "market.customers.segments": 4,
                "market.trends.scan": 1,
                "market.trends.review": None,
            },
        },
        {"level": "staff", "answers": {"market.customers.feedback": {"current": 1}}},
    ],
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LANG="C", LC_ALL="C")
    return subprocess.run(  # noqa: S603 - our own interpreter, arguments from the test
        [sys.executable, "-m", "scoring", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "bank.yaml").write_text(dump_bank_yaml(parse_bank(bank_dict(rules=[RULE]))))
    (tmp_path / "input.json").write_text(json.dumps(INPUT, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_validate_prints_a_summary(files: Path) -> None:
    done = run("validate", "bank.yaml", cwd=files)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok: test-bank v1 (2 dimensions, 4 areas, 10 questions, 1 rules)\n"
    assert done.stderr == ""


def test_score_prints_the_result_json_byte_identical_twice(files: Path) -> None:
    first = run("score", "--bank", "bank.yaml", "input.json", cwd=files)
    second = run("score", "--bank", "bank.yaml", "input.json", cwd=files)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert first.stdout == second.stdout
    result = json.loads(first.stdout)
    assert result["band"] in {"misaligned", "partially_aligned", "aligned", "resonant"}
    assert result["action_plan"][0]["start"] == "2027-01-04"
    assert "Crumb & Cö" in first.stdout


def test_top_k_option(files: Path) -> None:
    done = run("score", "--bank", "bank.yaml", "--top-k", "1", "input.json", cwd=files)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["action_plan"]) == 1


BAD_BANK = "bank: x\nversion: 1\ndimensions: [\n"


@pytest.mark.parametrize(
    ("args", "setup", "expected"),
    [
        (["score", "--bank", "missing.yaml", "input.json"], None, "missing.yaml: cannot read"),
        (["score", "--bank", "bank.yaml", "missing.json"], None, "missing.json: cannot read"),
        (["validate", "missing.yaml"], None, "missing.yaml: cannot read"),
        (["validate", "bad.yaml"], ("bad.yaml", BAD_BANK), "bad.yaml:4: malformed YAML"),
        (
            ["validate", "invalid.yaml"],
            ("invalid.yaml", "INVALID"),
            "invalid.yaml:",
        ),
        (
            ["score", "--bank", "invalid.yaml", "input.json"],
            ("invalid.yaml", "INVALID"),
            "is outside the scale 1..5",
        ),
        (
            ["score", "--bank", "bank.yaml", "bad.json"],
            ("bad.json", '{"strategy": {,}'),
            "bad.json:1:15: malformed JSON",
        ),
        (
            ["score", "--bank", "bank.yaml", "in.json"],
            ("in.json", "UNKNOWN-CODE"),
            'in.json: responses[0].answers["nope"]: unknown question code',
        ),
        (
            ["score", "--bank", "bank.yaml", "in.json"],
            ("in.json", "OUT-OF-RANGE"),
            'in.json: responses[1].answers["market.customers.feedback"].current: 6 is outside '
            "the scale 1..5",
        ),
        (
            ["score", "--bank", "bank.yaml", "in.json"],
            ("in.json", "DISCIPLINE"),
            'in.json: strategy.value_discipline: unknown value discipline "cheap"',
        ),
        (["score", "--bank", "bank.yaml", "input.json", "--top-k", "-1"], None, "--top-k"),
        (["score", "--bank", "bank.yaml", "input.json", "--top-k", "x"], None, "--top-k"),
        (["score", "input.json"], None, "--bank"),
        ([], None, "required"),
        (["explode"], None, "invalid choice"),
        (["validate", "laughs.yaml"], ("laughs.yaml", "LAUGHS"), "laughs.yaml:1: YAML anchors"),
        (
            ["score", "--bank", "laughs.yaml", "input.json"],
            ("laughs.yaml", "LAUGHS"),
            "laughs.yaml:1: YAML anchors",
        ),
        (["validate", "deep.yaml"], ("deep.yaml", "DEEP"), "deep.yaml:1: nested deeper than"),
        (["validate", "long.yaml"], ("long.yaml", "LONG"), "at most 200 are allowed"),
    ],
    ids=[
        "missing bank",
        "missing input",
        "validate missing",
        "malformed yaml",
        "validate invalid bank",
        "score with invalid bank",
        "malformed json",
        "unknown question code",
        "answer out of range",
        "unknown discipline",
        "negative top-k",
        "non-numeric top-k",
        "no bank option",
        "no command",
        "unknown command",
        "billion laughs",
        "billion laughs as the bank to score with",
        "deep nesting",
        "over a column's length",
    ],
)
def test_bad_input_is_one_line_on_stderr_and_status_2(
    files: Path, args: list[str], setup: tuple[str, str] | None, expected: str
) -> None:
    if setup is not None:
        name, content = setup
        (files / name).write_text(_content(content), encoding="utf-8")
    done = run(*args, cwd=files)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")
    assert done.stderr.endswith("\n")
    assert done.stderr.count("\n") == 1
    assert expected in done.stderr


LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9 if previous else ['lol'] * 9)}]\n"
    for previous, name in zip(["", *"abcdefghi"], "abcdefghij", strict=True)
)


def _content(kind: str) -> str:
    if kind == "LAUGHS":
        return LAUGHS
    if kind == "DEEP":
        return "bank: " + "[" * 10_000 + "]" * 10_000 + "\n"
    if kind == "LONG":
        data = bank_dict()
        data["dimensions"][0]["areas"][0]["questions"][0]["action"]["title"] = "T" * 201
        return yaml.safe_dump(data, sort_keys=False)
    if kind == "INVALID":
        data = bank_dict()
        data["dimensions"][0]["areas"][0]["questions"][0]["targets"]["product_leadership"] = 7
        data["dimensions"][0]["weight"] = -1
        return yaml.safe_dump(data, sort_keys=False)
    if kind in {"UNKNOWN-CODE", "OUT-OF-RANGE", "DISCIPLINE"}:
        data = json.loads(json.dumps(INPUT))
        if kind == "UNKNOWN-CODE":
            data["responses"][0]["answers"]["nope"] = 3
        elif kind == "OUT-OF-RANGE":
            data["responses"][1]["answers"]["market.customers.feedback"]["current"] = 6
        else:
            data["strategy"]["value_discipline"] = "cheap"
        return json.dumps(data)
    return kind


def test_invalid_bank_lists_every_problem_on_the_one_line(files: Path) -> None:
    (files / "invalid.yaml").write_text(_content("INVALID"), encoding="utf-8")
    done = run("validate", "invalid.yaml", cwd=files)
    assert done.returncode == 2
    assert done.stderr.count("invalid.yaml:") == 2
    assert "dimensions[0].weight: -1 must be greater than 0" in done.stderr


def test_reads_input_from_stdin(files: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "score", "--bank", "bank.yaml", "-"],
        cwd=files,
        env=env,
        input=json.dumps(INPUT).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["alignment_index"] is not None


def test_billion_laughs_is_refused_at_its_first_anchor(files: Path) -> None:
    (files / "laughs.yaml").write_text(LAUGHS, encoding="utf-8")
    assert LAUGHS.count("&") == 10
    done = run("validate", "laughs.yaml", cwd=files)
    assert done.returncode == 2
    assert done.stderr == ("error: laughs.yaml:1: YAML anchors (&a) are not allowed in a bank\n")


def test_language_option_picks_the_bank_texts(files: Path) -> None:
    data = bank_dict(rules=[RULE | {"message": {"en": "Premium.", "de": "Premium-Zutaten."}}])
    data["dimensions"][0]["areas"][0]["title"] = {"en": "Customers", "de": "Kunden"}
    (files / "bank.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    answers = INPUT["responses"][0]["answers"] | {"market.customers.feedback": 5}  # type: ignore[index]
    data_in = json.loads(json.dumps(INPUT)) | {
        "responses": [{"level": "owner", "answers": answers}]
    }
    (files / "input.json").write_text(json.dumps(data_in), encoding="utf-8")
    german = run("score", "--bank", "bank.yaml", "--language", "de", "input.json", cwd=files)
    assert german.returncode == 0, german.stderr
    result = json.loads(german.stdout)
    assert result["language"] == "de"
    assert result["consistency_flags"][0]["message"] == "Premium-Zutaten."
    assert result["dimensions"]["market"]["areas"]["market.customers"]["title"] == "Kunden"
    english = json.loads(run("score", "--bank", "bank.yaml", "input.json", cwd=files).stdout)
    assert english["consistency_flags"][0]["message"] == "Premium."
