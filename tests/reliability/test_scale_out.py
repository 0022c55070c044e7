"""Two workers with their own hostnames share one Redis: 100 reports, each built exactly once.

Takes a minute or two: 100 real builds (scores, charts, PDF) on two single-process workers.
"""

from __future__ import annotations

import re

import pytest

from organizations.models import Level
from reports.models import ActionItem, Report
from reports.services import report_request
from tests.scenarios import answered_assessment
from tests.worker import client_on_broker, private_redis, running_worker, wait_for, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REPORTS = 100
SUCCEEDED = re.compile(r"Task assessments\.tasks\.report_build_task\[[0-9a-f-]+\] succeeded")


def test_two_workers_build_100_reports_with_no_duplicate_and_no_loss(
    default_bank, artifacts_dir, settings
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("scale-out shares PostgreSQL; SQLite lets one writer in at a time")
    # Nothing here is old enough for the sweep to send a second message.
    settings.REPORT_SWEEP_QUEUED_AFTER = 3600
    assessments = [
        answered_assessment(
            default_bank,
            levels={Level.OWNER: 1, Level.STAFF: 3},
            seed=n,
            owner_email=f"owner{n}@scale.example",
            organization_name=f"Scale {n}",
        )
        for n in range(REPORTS)
    ]
    logs = [artifacts_dir / f"worker-scale-{name}.log" for name in ("a", "b")]
    for log in logs:
        log.unlink(missing_ok=True)
    with private_redis() as redis_server, client_on_broker(redis_server.url):
        env = worker_env(REDIS_URL=redis_server.url)
        with (
            running_worker(env=env, hostname="scale-a", log=logs[0], pool="prefork"),
            running_worker(env=env, hostname="scale-b", log=logs[1], pool="prefork"),
        ):
            reports = [report_request(assessment=a) for a in assessments]
            ids = [r.pk for r in reports]
            done = wait_for(
                lambda: (
                    Report.objects.filter(pk__in=ids, status=Report.Status.READY).count() == REPORTS
                ),
                timeout=600,
                interval=1.0,
            )
            statuses = dict(Report.objects.filter(pk__in=ids).values_list("pk", "status"))
            assert done, {s: list(statuses.values()).count(s) for s in set(statuses.values())}

    # Every build started once (attempts counts starts) and finished once.
    attempts = list(Report.objects.filter(pk__in=ids).values_list("attempts", flat=True))
    assert attempts == [1] * REPORTS
    per_worker = [len(SUCCEEDED.findall(log.read_text())) for log in logs]
    assert sum(per_worker) == REPORTS, per_worker
    assert all(count > 0 for count in per_worker), f"one worker did all the work: {per_worker}"
    # One set of action items per report, matching its plan.
    for report in Report.objects.filter(pk__in=ids):
        codes = list(
            ActionItem.objects.filter(assessment_id=report.assessment_id).values_list(
                "question_code", flat=True
            )
        )
        assert len(codes) == len(set(codes)) == len(report.result["action_plan"])
    print(f"builds per worker: {per_worker}")
