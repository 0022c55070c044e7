"""The engine stays a plain Python package: no Django, only the standard library and PyYAML."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import scoring, scoring.bank, scoring.cli, scoring.engine, scoring.inputs, scoring.plan
import scoring.rules, scoring.constants
third_party = sorted(
    name for name in sys.modules
    if name.split(".")[0] not in sys.stdlib_module_names
    and name.split(".")[0] not in {"scoring", "yaml", "_yaml", "__main__", "cython_runtime"}
    # Run-time helpers of PyYAML's compiled loader, of setuptools' .pth hook and of the
    # editable install of this project (`pip install -e .`).
    and not name.startswith(("_cython_", "_distutils_hack", "__editable__"))
)
print("django" in sys.modules, third_party)
"""


def test_importing_scoring_loads_no_django_and_no_other_third_party_package() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "False []"


def test_no_module_of_scoring_imports_django() -> None:
    for path in (ROOT / "scoring").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text, path
        assert "from django" not in text, path
