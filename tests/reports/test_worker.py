"""Real Celery workers build reports: on close, after a kill, on duplicates, on failure.

Each test starts worker processes with the test settings against the broker the suite uses
(Redis when REDIS_URL is set, else the embedded filesystem broker) and the test database, which
must be one another process can open (PostgreSQL in CI; SQLite in memory is skipped).
"""

from __future__ import annotations

import os
import signal

import pytest
import redis

from alignment_site.celery import app as celery_app
from alignment_site.celery import ensure_broker_folders
from assessments.models import Assessment
from reports.models import ActionItem, Report
from reports.services import assessment_close_and_report, report_request
from reports.tasks import report_build_task
from tests.reports.pdfs import stored_pdfs
from tests.scenarios import answered_assessment
from tests.worker import children_of, producer_app, running_worker, wait_for, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BUILD_TIMEOUT = 90.0


@pytest.fixture(autouse=True)
def empty_queue():
    """Start every test with an empty queue: no message of an earlier test may reach it."""
    ensure_broker_folders()
    celery_app.control.purge()


def _status(report_id: int) -> str:
    return Report.objects.values_list("status", flat=True).get(pk=report_id)


def _assert_one_clean_report(report: Report) -> None:
    assert report.status == Report.Status.READY, report.error
    plan = report.result["action_plan"]
    codes = list(
        ActionItem.objects.filter(assessment=report.assessment)
        .order_by("position")
        .values_list("question_code", flat=True)
    )
    assert codes == [item["question"] for item in plan]
    assert stored_pdfs() == [report.pdf.name]
    with report.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_closing_a_cycle_gets_a_ready_report_with_pdf(default_bank, artifacts_dir):
    assessment = answered_assessment(default_bank, status=Assessment.Status.OPEN)
    env = worker_env()
    with running_worker(env=env, hostname="close", log=artifacts_dir / "worker-report-close.log"):
        assessment_close_and_report(assessment=assessment)  # queues the build on commit
        report = Report.objects.get(assessment=assessment)
        assert wait_for(lambda: _status(report.pk) == Report.Status.READY, timeout=BUILD_TIMEOUT)
    report.refresh_from_db()
    _assert_one_clean_report(report)
    assert report.attempts == 1
    assert report.started_at >= report.queued_at
    assert report.finished_at >= report.started_at
    assert report.duration_ms > 0
    assert report.timings["pdf"] > 0
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SCORED


def test_duplicate_deliveries_to_two_workers_leave_one_report(default_bank, artifacts_dir):
    assessment = answered_assessment(default_bank)
    report = report_request(assessment=assessment, enqueue=False)
    env = worker_env()
    with (
        running_worker(env=env, hostname="dup1", log=artifacts_dir / "worker-report-dup1.log"),
        running_worker(env=env, hostname="dup2", log=artifacts_dir / "worker-report-dup2.log"),
    ):
        first = report_build_task.delay(report.pk)
        second = report_build_task.delay(report.pk)
        assert wait_for(lambda: _status(report.pk) == Report.Status.READY, timeout=BUILD_TIMEOUT)
        assert first.get(timeout=BUILD_TIMEOUT) == second.get(timeout=BUILD_TIMEOUT) == "ready"
        finished_at = Report.objects.get(pk=report.pk).finished_at
        # A third, late copy of the message finds the report ready and changes nothing.
        assert report_build_task.delay(report.pk).get(timeout=BUILD_TIMEOUT) == "ready"
    report.refresh_from_db()
    _assert_one_clean_report(report)
    assert report.finished_at == finished_at
    assert report.attempts in (1, 2)  # two workers may both have started it


def test_worker_process_killed_mid_build_is_redelivered_and_completes_once(
    default_bank, artifacts_dir, tmp_path
):
    assessment = answered_assessment(default_bank)
    report = report_request(assessment=assessment, enqueue=False)
    marker = tmp_path / "stalled"
    env = worker_env(RESONANCE_TEST_SLOW_MARKER=str(marker))
    log = artifacts_dir / "worker-report-kill.log"
    with running_worker(env=env, hostname="kill", log=log, pool="prefork") as parent:
        report_build_task.delay(report.pk)
        assert wait_for(marker.exists, timeout=BUILD_TIMEOUT), "the build never reached the PDF"
        assert _status(report.pk) == Report.Status.RUNNING
        child = int(marker.read_text())
        assert child in children_of(parent.pid)
        os.kill(child, signal.SIGKILL)  # the pool process dies in the middle of the build
        assert wait_for(lambda: _status(report.pk) == Report.Status.READY, timeout=BUILD_TIMEOUT)
    report.refresh_from_db()
    _assert_one_clean_report(report)
    assert report.attempts == 2, "built once more after the kill, and only once"
    assert "WorkerLostError" in log.read_text()


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return None
    return url


def test_whole_worker_killed_mid_build_is_redelivered_by_redis(
    default_bank, artifacts_dir, tmp_path
):
    if _redis_url() is None:
        pytest.skip("needs REDIS_URL: the embedded broker hands a message out only once")
    assessment = answered_assessment(default_bank)
    report = report_request(assessment=assessment, enqueue=False)
    marker = tmp_path / "stalled"
    env = worker_env(RESONANCE_TEST_SLOW_MARKER=str(marker), RESONANCE_TEST_VISIBILITY_TIMEOUT="3")
    with running_worker(
        env=env, hostname="doomed", log=artifacts_dir / "worker-report-doomed.log"
    ) as doomed:
        report_build_task.delay(report.pk)
        assert wait_for(marker.exists, timeout=BUILD_TIMEOUT)
        doomed.send_signal(signal.SIGKILL)  # no warm shutdown: the message is never acked
        doomed.wait()
    assert _status(report.pk) == Report.Status.RUNNING
    with running_worker(env=env, hostname="heir", log=artifacts_dir / "worker-report-heir.log"):
        assert wait_for(lambda: _status(report.pk) == Report.Status.READY, timeout=BUILD_TIMEOUT)
    report.refresh_from_db()
    _assert_one_clean_report(report)
    assert report.attempts == 2


def test_failing_render_ends_failed_with_earlier_data_intact(default_bank, artifacts_dir):
    assessment = answered_assessment(default_bank)
    report = report_request(assessment=assessment)
    with running_worker(
        env=worker_env(), hostname="good", log=artifacts_dir / "worker-report-good.log"
    ):
        assert wait_for(lambda: _status(report.pk) == Report.Status.READY, timeout=BUILD_TIMEOUT)
    before = Report.objects.get(pk=report.pk)
    items_before = list(ActionItem.objects.filter(assessment=assessment).order_by("pk").values())
    broken = worker_env(RESONANCE_TEST_PDF_TEMPLATE="reports/pdf/no_such_template.html")
    with running_worker(
        env=broken, hostname="broken", log=artifacts_dir / "worker-report-broken.log"
    ):
        report_request(assessment=assessment)
        assert wait_for(lambda: _status(report.pk) == Report.Status.FAILED, timeout=BUILD_TIMEOUT)
    after = Report.objects.get(pk=report.pk)
    assert after.error.startswith("Rendering the PDF failed: TemplateDoesNotExist")
    assert after.result == before.result
    assert after.figures == before.figures
    assert after.alignment_index == before.alignment_index
    assert after.pdf.name == before.pdf.name
    assert stored_pdfs() == [before.pdf.name]
    items_after = list(ActionItem.objects.filter(assessment=assessment).order_by("pk").values())
    assert items_after == items_before


def test_embedded_filesystem_broker_builds_reports(default_bank, artifacts_dir, tmp_path):
    for sub in ("queue", "processed", "control", "results"):
        (tmp_path / sub).mkdir()
    options = {
        "data_folder_in": str(tmp_path / "queue"),
        "data_folder_out": str(tmp_path / "queue"),
        "processed_folder": str(tmp_path / "processed"),
        "control_folder": str(tmp_path / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    client = producer_app("filesystem://", f"file://{tmp_path / 'results'}", options)
    assessment = answered_assessment(default_bank)
    report = report_request(assessment=assessment, enqueue=False)
    env = worker_env(REDIS_URL="", CELERY_BROKER_DIR=str(tmp_path))
    with running_worker(env=env, hostname="fs", log=artifacts_dir / "worker-report-fs.log"):
        result = client.send_task("assessments.tasks.report_build_task", args=[report.pk])
        assert result.get(timeout=BUILD_TIMEOUT) == "ready"
    report.refresh_from_db()
    _assert_one_clean_report(report)
