"""Redis goes away: the site keeps answering and saving, and reports are built once it is back.

A private redis-server on a free port plays the broker; a real worker and this process's
Celery client both use it. The database must be one a worker process can open (PostgreSQL,
or the SQLite file of the test settings).
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from banks.models import Question
from reports.models import Report
from reports.reliability import report_sweep
from tests.assessments.factories import InvitationFactory, submitted_response
from tests.scenarios import answered_assessment, owner_of
from tests.worker import client_on_broker, private_redis, running_worker, wait_for, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BUILD_TIMEOUT = 120.0


def _invitation(assessment: Assessment) -> str:
    token = secrets.token_urlsafe(32)
    InvitationFactory(
        assessment=assessment,
        email="staff@bakery.example",
        token=token,
    )
    return token


def _status(report_id: int) -> str:
    return Report.objects.values_list("status", flat=True).get(pk=report_id)


def test_redis_down_answers_save_close_queues_and_the_sweep_builds_it_later(
    default_bank, client, artifacts_dir, caplog
):
    assessment = answered_assessment(default_bank, status=Assessment.Status.OPEN)
    owner = owner_of(assessment)
    token = _invitation(assessment)
    questions = list(Question.objects.filter(area__dimension__bank=default_bank)[:3])
    with private_redis() as redis_server, client_on_broker(redis_server.url):
        env = worker_env(REDIS_URL=redis_server.url)
        log = artifacts_dir / "worker-redis-down.log"
        with running_worker(env=env, hostname="redisdown", log=log):
            redis_server.stop()  # the broker disappears while the worker runs

            # The site still answers, and a respondent's answers still save.
            for value, question in enumerate(questions, start=2):
                reply = client.post(
                    reverse("assessments:respond_save", args=[token]),
                    {"question": question.pk, "current": str(value)},
                    headers={"hx-request": "true"},
                )
                assert reply.status_code == 200, reply.content[:500]
            saved = Answer.objects.filter(response__invitation__assessment=assessment)
            assert sorted(saved.values_list("current", flat=True)) == [2, 3, 4]

            # Closing the cycle works and records the report as queued.
            client.force_login(owner)
            submitted_response(assessment)  # a cycle closes once someone has submitted
            started = time.perf_counter()
            reply = client.post(reverse("assessments:close", args=[assessment.pk]))
            close_seconds = time.perf_counter() - started
            print(f"close with Redis down took {close_seconds * 1000:.0f} ms")
            assert reply.status_code == 302
            report = Report.objects.get(assessment=assessment)
            assert report.status == Report.Status.QUEUED
            # An expected outage is one warning line naming the report, not a traceback.
            [warning] = [r for r in caplog.records if "could not queue" in r.getMessage()]
            assert warning.levelname == "WARNING"
            assert warning.exc_info is None
            assert f"report {report.pk}; it stays queued" in warning.getMessage()
            assessment.refresh_from_db()
            assert assessment.status == Assessment.Status.CLOSED
            # The owner's pages keep working and show the report as waiting.
            page = client.get(reverse("assessments:report_status", args=[assessment.pk]))
            assert page.status_code == 200

            # While Redis is still down the sweep sends nothing and loses nothing.
            later = timezone.now() + timedelta(minutes=5)
            assert report_sweep(now=later) == 0
            assert _status(report.pk) == Report.Status.QUEUED

            redis_server.start()  # back, but empty: the close's message never got there
            time.sleep(3)
            assert _status(report.pk) == Report.Status.QUEUED
            assert report_sweep(now=later) == 1
            assert wait_for(
                lambda: _status(report.pk) == Report.Status.READY, timeout=BUILD_TIMEOUT
            ), f"not built; see {log}"
    report.refresh_from_db()
    assert report.attempts == 1
    assert report.error == ""
    assert assessment.action_items.count() == len(report.result["action_plan"]) > 0
