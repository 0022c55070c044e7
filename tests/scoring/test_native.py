"""The engine compiled with mypyc gives byte for byte what the plain Python source gives.

`make install` compiles the arithmetic modules (bin/compile_scoring, scoring/native.py). Here
the same cases are scored twice: in this process, by whatever `scoring` imports (the compiled
modules after `make install`), and in a child process by a copy of the sources with no compiled
module beside them. The JSON results must be identical.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from test_scoring_golden import CASES, banks, input_of

from bench.bench_scoring import bench_bank, bench_input
from scoring import native
from scoring.bank import bank_to_dict, parse_bank
from scoring.engine import result_to_json, score_assessment
from scoring.inputs import parse_input

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = importlib.machinery.EXTENSION_SUFFIXES[0]  # .cpython-311-x86_64-linux-gnu.so here

# Scores every case of cases.json with the engine found on sys.path; one result a line (the
# JSON text of each result, quoted as a JSON string).
CHILD = textwrap.dedent(
    """
    import json, sys
    import scoring.core
    from scoring.bank import parse_bank
    from scoring.engine import result_to_json, score_assessment
    from scoring.inputs import parse_input
    assert scoring.core.__file__.endswith("core.py"), scoring.core.__file__
    for case in json.load(open(sys.argv[1])):
        bank = parse_bank(case["bank"])
        data = parse_input(case["input"], bank)
        result = score_assessment(bank, data, top_k=case["top_k"], language=case["language"])
        print(json.dumps(result_to_json(result)))
    """
)


def _cases() -> list[dict[str, Any]]:
    """Return the golden cases and 60 random ones on the benchmark bank, as plain JSON."""
    cases = []
    for case in CASES:
        bank = banks()[case["bank"]]
        cases.append(
            {
                "bank": bank_to_dict(bank),
                "input": input_of(case["input"], bank),
                "top_k": case["top_k"],
                "language": case["language"],
            }
        )
    rng = random.Random(2026)
    bench = bench_bank(rng)
    codes = list(parse_bank(bench).questions)
    for _ in range(60):
        data = bench_input(rng, codes)
        cases.append({"bank": bench, "input": data, "top_k": 8, "language": "en"})
    return cases


def _score_here(cases: list[dict[str, Any]]) -> list[str]:
    results = []
    for case in cases:
        bank = parse_bank(case["bank"])
        data = parse_input(case["input"], bank)
        result = score_assessment(bank, data, top_k=case["top_k"], language=case["language"])
        results.append(result_to_json(result))
    return results


def _plain_copy(folder: Path) -> Path:
    """Copy the engine's sources, and nothing compiled, into folder."""
    shutil.copytree(
        ROOT / "scoring",
        folder / "scoring",
        ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"),
    )
    return folder


@pytest.mark.skipif(
    not native.compiled_modules(), reason="the engine is not compiled (make compile)"
)
def test_the_compiled_engine_matches_the_plain_source(tmp_path: Path) -> None:
    cases = _cases()
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases))
    plain = _plain_copy(tmp_path / "plain")
    env = {**os.environ, "PYTHONPATH": str(plain)}
    child = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    expected = [json.loads(line) for line in child.stdout.splitlines()]
    compiled = _score_here(cases)
    assert len(expected) == len(compiled) == len(cases)
    for number, (want, got) in enumerate(zip(expected, compiled, strict=True)):
        assert got == want, f"case {number} differs"


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler on this machine")
def test_make_install_compiled_every_engine_module() -> None:
    # With a compiler, `make install` compiles; the suite then runs on the compiled engine.
    assert native.compiled_modules() == list(native.NATIVE_MODULES)
    import scoring.core

    assert not scoring.core.__file__.endswith(".py")


def _stale_folder(tmp_path: Path, *, source_newer: bool) -> Path:
    folder = tmp_path / "scoring"
    (folder / "bank").mkdir(parents=True)
    for name in native.NATIVE_MODULES:
        (folder / f"{name}.py").write_text("")
        (folder / f"{name}{EXTENSION}").write_bytes(b"")
    (folder / "bank" / "model.py").write_text("")
    for path in folder.rglob("*"):
        os.utime(path, (1_000_000, 1_000_000))
    if source_newer:
        os.utime(folder / "bank" / "model.py", (2_000_000, 2_000_000))
    return folder


def test_a_build_older_than_any_source_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(native, "_FOLDER", _stale_folder(tmp_path, source_newer=True))
    with pytest.raises(native.StaleBuildError, match=r"scoring/bank/model\.py changed"):
        native.check_build()


def test_a_fresh_build_and_plain_python_are_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _stale_folder(tmp_path, source_newer=False)
    monkeypatch.setattr(native, "_FOLDER", folder)
    native.check_build()  # every build as new as the sources
    for path in folder.glob(f"*{EXTENSION}"):
        path.unlink()
    native.check_build()  # nothing compiled: plain Python
    assert native.compiled_modules() == []
