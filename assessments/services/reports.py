"""Scoring an assessment and storing its report and action plan."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments.models import ActionItem, Answer, Assessment, Report
from assessments.services.banks import bank_to_engine
from scoring.engine import result_to_dict, score_assessment
from scoring.inputs import AssessmentInput, parse_input

logger = logging.getLogger(__name__)


def assessment_engine_input(
    *, assessment: Assessment, plan_start: date | None = None
) -> AssessmentInput:
    """Adapt an assessment's rows (submitted responses only) to the engine's input."""
    answers_by_response: dict[int, dict[str, dict[str, Any]]] = {}
    rows = (
        Answer.objects.filter(response__assessment=assessment, response__submitted_at__isnull=False)
        .values_list("response_id", "question__code", "current", "target")
        .order_by("response_id", "question__code")
    )
    for response_id, code, current, target in rows:
        answer: dict[str, Any] = {"current": current}
        if target is not None:
            answer["target"] = target
        answers_by_response.setdefault(response_id, {})[code] = answer
    responses = [
        {"level": level, "answers": answers_by_response.get(pk, {})}
        for pk, level in assessment.responses.filter(submitted_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "level")
    ]
    organization = assessment.organization
    assessed_on = (assessment.closed_at or timezone.now()).date()
    history = [
        created.date().isoformat()
        for created in organization.assessments.filter(
            report__status=Report.Status.READY, created_at__lt=assessment.created_at
        ).values_list("created_at", flat=True)
    ]
    data = {
        "strategy": {
            key: assessment.strategy_snapshot.get(key)
            for key in ("value_discipline", "segment", "primary_value")
            if assessment.strategy_snapshot.get(key)
        },
        "organization": {
            "name": organization.name,
            "capacity_days_per_month": float(organization.capacity_days_per_month),
        },
        "plan_start": (plan_start or assessed_on).isoformat(),
        "assessed_on": assessed_on.isoformat(),
        "history": history or None,
        "responses": responses,
    }
    bank = bank_to_engine(assessment.bank)
    return parse_input(data, bank, source=f"assessment {assessment.pk}")


@transaction.atomic
def report_request(*, assessment: Assessment) -> Report:
    """Mark the assessment's report as queued and queue the build once the transaction commits."""
    report, _created = Report.objects.select_for_update().get_or_create(assessment=assessment)
    report.status = Report.Status.QUEUED
    report.queued_at = timezone.now()
    report.error = ""
    report.save(update_fields=["status", "queued_at", "error"])
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from assessments.tasks import report_build_task

    try:
        report_build_task.delay(report_id)
    except Exception:
        # The broker is down: the report stays queued and a periodic sweep re-queues it.
        logger.exception("could not queue report %s; it stays queued", report_id)


def report_build(*, report_id: int) -> Report:
    """Score the assessment and store the result and action items. Safe to run twice."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("assessment").get(pk=report_id)
        if report.status == Report.Status.READY:
            return report  # a redelivered or duplicate task: nothing left to do
        report.status = Report.Status.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
    started = time.perf_counter()
    try:
        assessment = report.assessment
        bank = bank_to_engine(assessment.bank)
        result = score_assessment(bank, assessment_engine_input(assessment=assessment))
        result_dict = result_to_dict(result)
    except Exception as exc:
        _report_fail(report_id=report_id, error=f"Scoring failed: {exc}")
        raise
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == Report.Status.READY:
            return report
        _action_items_replace(assessment=assessment, plan=result_dict["action_plan"])
        report.result = result_dict
        report.alignment_index = result_dict["alignment_index"]
        report.band = result_dict["band"]
        report.status = Report.Status.READY
        report.error = ""
        report.finished_at = timezone.now()
        report.duration_ms = round((time.perf_counter() - started) * 1000)
        report.save()
        Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SCORED)
    return report


def _report_fail(*, report_id: int, error: str) -> None:
    Report.objects.filter(pk=report_id).update(
        status=Report.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def _action_items_replace(*, assessment: Assessment, plan: list[dict[str, Any]]) -> None:
    ActionItem.objects.filter(assessment=assessment).delete()
    ActionItem.objects.bulk_create(
        ActionItem(
            assessment=assessment,
            position=position,
            question_code=item["question"],
            title=item["title"],
            specific=item["specific"],
            kpi=item["kpi"],
            unit=item["unit"],
            baseline=item["baseline"],
            target=item["target"],
            effort=item["effort"],
            effort_days=item["effort_days"],
            feasibility=item.get("feasibility", (6 - item["effort"]) / 5),
            owner_role=item["owner_role"],
            dimension_code=item["dimension"],
            area_code=item["area"],
            answers_findings=item.get("answers", []),
            expected_uplift=item["expected_uplift"],
            start=date.fromisoformat(item["start"]),
            due=date.fromisoformat(item["due"]),
        )
        for position, item in enumerate(plan)
    )
