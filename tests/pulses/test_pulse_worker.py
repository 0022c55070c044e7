"""Real Celery workers run beat's pulse task: two deliveries at once open one pulse.

Workers use the test settings against the suite's broker (Redis when REDIS_URL is set, else the
embedded filesystem broker) and the test database, which must be PostgreSQL (set DATABASE_URL).
"""

from __future__ import annotations

import pytest

from alignment_site.celery import app as celery_app
from alignment_site.celery import ensure_broker_folders
from pulses.models import Pulse, PulseLink, PulseSettings
from pulses.tasks import pulses_close_due_task, pulses_open_due_task
from tests.worker import running_worker, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TIMEOUT = 90.0


def test_two_workers_given_the_beat_task_at_once_open_one_pulse(cycle, organization, artifacts_dir):
    ensure_broker_folders()
    celery_app.control.purge()
    PulseSettings.objects.create(organization=organization, cadence="biweekly")
    env = worker_env()
    with (
        running_worker(env=env, hostname="pulse1", log=artifacts_dir / "worker-pulse-1.log"),
        running_worker(env=env, hostname="pulse2", log=artifacts_dir / "worker-pulse-2.log"),
    ):
        first = pulses_open_due_task.delay()
        second = pulses_open_due_task.delay()
        opened = sorted([first.get(timeout=TIMEOUT), second.get(timeout=TIMEOUT)], key=len)
        # The closing task finds nothing due within the pulse's week.
        assert pulses_close_due_task.delay().get(timeout=TIMEOUT) == []
    assert opened[0] == []
    assert len(opened[1]) == 1
    pulse = Pulse.objects.get(organization=organization)
    assert pulse.pk == opened[1][0]
    # The owner and the four invited staff, each with one link, each mailed (sent_at set).
    assert PulseLink.objects.filter(pulse=pulse, sent_at__isnull=False).count() == 5
