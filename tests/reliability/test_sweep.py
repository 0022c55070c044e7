"""The sweep re-sends only reports that are stuck; a task that gives up leaves a readable failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from reports import reliability
from reports.models import Report
from reports.services import report_request
from reports.tasks import report_build_task
from tests.scenarios import answered_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Record the reports the sweep sends instead of publishing them."""
    ids: list[int] = []

    def fake_enqueue(*, report_id: int) -> bool:
        ids.append(report_id)
        return True

    monkeypatch.setattr(reliability, "report_enqueue", fake_enqueue)
    return ids


def _report(bank, seed: int, **fields) -> Report:
    assessment = answered_assessment(
        bank, seed=seed, owner_email=f"owner{seed}@example.com", organization_name=f"Org {seed}"
    )
    report = report_request(assessment=assessment, enqueue=False)
    Report.objects.filter(pk=report.pk).update(**fields)
    return report


def test_sweep_resends_old_queued_and_overdue_running_reports_only(default_bank, settings, sent):
    settings.REPORT_SWEEP_QUEUED_AFTER = 90
    settings.REPORT_SWEEP_RUNNING_AFTER = 240
    now = timezone.now()
    old_queued = _report(default_bank, 1, queued_at=now - timedelta(seconds=120))
    _report(default_bank, 2, queued_at=now - timedelta(seconds=30))  # just queued
    overdue = _report(
        default_bank,
        3,
        status=Report.Status.RUNNING,
        queued_at=now - timedelta(hours=1),
        started_at=now - timedelta(seconds=300),
    )
    _report(  # building, within its time limit
        default_bank,
        4,
        status=Report.Status.RUNNING,
        queued_at=now - timedelta(hours=1),
        started_at=now - timedelta(seconds=100),
    )
    for seed, status in ((5, Report.Status.READY), (6, Report.Status.FAILED)):
        _report(default_bank, seed, status=status, queued_at=now - timedelta(days=1))

    assert reliability.report_sweep(now=now) == 2
    assert sorted(sent) == sorted([old_queued.pk, overdue.pk])


def test_sweep_stops_at_the_first_refusal_and_changes_nothing(default_bank, monkeypatch):
    now = timezone.now()
    for seed in (1, 2, 3):
        _report(default_bank, seed, queued_at=now - timedelta(hours=1))
    calls: list[int] = []

    def refusing(*, report_id: int) -> bool:
        calls.append(report_id)
        return False

    monkeypatch.setattr(reliability, "report_enqueue", refusing)
    assert reliability.report_sweep(now=now) == 0
    assert len(calls) == 1, "one refusal is enough to know the broker is down"
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.QUEUED}


def test_sweep_resends_a_report_the_real_build_then_finishes_once(default_bank, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from alignment_site.celery import app

    app.conf.task_always_eager = True
    try:
        report = _report(default_bank, 1, queued_at=timezone.now() - timedelta(hours=1))
        assert reliability.report_sweep() == 1
        # A second sweep finds nothing stuck: the report is ready with one plan.
        assert reliability.report_sweep() == 0
    finally:
        app.conf.task_always_eager = False
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    assert report.attempts == 1
    codes = list(report.assessment.action_items.values_list("question_code", flat=True))
    assert len(codes) == len(set(codes)) == len(report.result["action_plan"])


def test_database_errors_in_the_task_end_failed_with_a_message(default_bank, monkeypatch):
    report = _report(default_bank, 1)
    calls: list[int] = []

    def unreachable(*, report_id: int):
        calls.append(report_id)
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("reports.services.report_build", unreachable)
    outcome = report_build_task.apply(args=[report.pk])  # eager: retries run inline
    assert outcome.failed()
    assert len(calls) == report_build_task.max_retries + 1
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "database could not be reached" in report.error
    assert report.finished_at is not None


def test_an_unexpected_error_in_the_task_ends_failed_naming_it(default_bank, monkeypatch):
    report = _report(default_bank, 1, status=Report.Status.RUNNING)

    def broken(*, report_id: int):
        raise KeyError("dimensions")

    monkeypatch.setattr("reports.services.report_build", broken)
    assert report_build_task.apply(args=[report.pk]).failed()
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "KeyError" in report.error
