"""A process that never imported a tasks module can still queue a report build.

The services send tasks by name from Celery's registry; a web process or `manage.py` command
that has not imported `reports.tasks` would otherwise look the name up, fail, and leave the
report queued until the sweep (this is what happened to `build_report --queue` in CI).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import django
django.setup()
import sys
from celery import current_app
from reports.services import REPORT_BUILD_TASK
imported = sorted(m for m in sys.modules if m.endswith(".tasks"))
print(REPORT_BUILD_TASK in current_app.tasks, current_app.main, imported)
"""


def test_a_fresh_django_process_has_the_report_task_registered():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "alignment_site.settings.test"}
    out = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    registered, app_name, imported = out.split(" ", 2)
    assert registered == "True", out
    assert app_name == "alignment_site"
    assert "reports.tasks" in imported
