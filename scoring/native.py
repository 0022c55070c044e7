"""Which engine modules are compiled with mypyc, and a guard against a stale build.

`bin/compile_scoring` compiles NATIVE_MODULES in place; Python then imports each extension
module instead of the .py beside it. An extension older than its source would run yesterday's
code while the source says otherwise, so importing `scoring` refuses that (check_build).
"""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

__all__ = [
    "NATIVE_MODULES",
    "StaleBuildError",
    "check_build",
    "compiled_modules",
    "extension_files",
]

# The modules that score an assessment. The bank, input and result records stay plain Python,
# and so does what the engine does not call (KPI status, pulses, the JSON writer, the CLI).
NATIVE_MODULES = (
    "constants",
    "core",
    "engine",
    "findings",
    "plan",
    "records",
    "rules",
    "text",
)

_FOLDER = Path(__file__).resolve().parent


class StaleBuildError(ImportError):
    """A compiled engine module is older than its source."""


def _extension(name: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = _FOLDER / f"{name}{suffix}"
        if path.exists():
            return path
    return None


def extension_files() -> list[Path]:
    """Return every extension module in the package: the compiled ones and mypyc's group."""
    found = {
        path
        for suffix in importlib.machinery.EXTENSION_SUFFIXES  # ".so" matches them all again
        for path in _FOLDER.glob(f"*{suffix}")
    }
    return sorted(found)


def compiled_modules() -> list[str]:
    """Return the engine modules present as compiled extensions (empty: plain Python)."""
    return [name for name in NATIVE_MODULES if _extension(name) is not None]


def check_build() -> None:
    """Raise StaleBuildError when any engine source is newer than a compiled module.

    Every source counts, not only the compiled ones: compiled code relies on the types of the
    records it reads (a float field is read as a C double).
    """
    built = extension_files()
    if not built:
        return  # plain Python
    oldest = min(path.stat().st_mtime for path in built)
    for source in sorted(_FOLDER.rglob("*.py")):
        if source.stat().st_mtime > oldest:
            name = source.relative_to(_FOLDER.parent)
            raise StaleBuildError(
                f"{name} changed after the engine was compiled: run `make compile` to compile "
                "it again, or `make clean-native` to run it as plain Python"
            )
