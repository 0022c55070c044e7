"""Scored cycles of one organization, for the client dashboard tests."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from assessments.models import Answer, Assessment, Response
from banks.models import Question, QuestionBank
from organizations.models import Level, Organization
from reports.models import Report
from reports.services import report_build, report_request
from tests.factories import AssessmentFactory

TENDENCY = {"market": 3.4, "operational": 2.4, "financial": 3.8, "organizational": 2.8}


def scored_cycle(
    organization: Organization,
    bank: QuestionBank,
    *,
    label: str,
    days_ago: int,
    lift: float = 0.0,
    overrides: dict[str, int] | None = None,
    seed: int = 3,
) -> Assessment:
    """Answer a cycle on `bank` (owner, manager, two staff), build its report, date it back."""
    assessment = AssessmentFactory(
        organization=organization,
        bank=bank,
        label=label,
        status=Assessment.Status.CLOSED,
        closed_at=timezone.now(),
    )
    questions = list(
        Question.objects.filter(area__dimension__bank=bank).select_related("area__dimension")
    )
    rng = random.Random(seed)
    answers = []
    for level in (Level.OWNER, Level.MANAGER, Level.STAFF, Level.STAFF):
        response = Response.objects.create(
            assessment=assessment, level=level, submitted_at=timezone.now()
        )
        for question in questions:
            if overrides and question.code in overrides:
                current = overrides[question.code]
            else:
                centre = TENDENCY.get(question.area.dimension.code, 3.0) + lift
                current = max(1, min(5, round(rng.gauss(centre, 0.8))))
            answers.append(Answer(response=response, question=question, current=current))
    Answer.objects.bulk_create(answers)
    report = report_request(assessment=assessment, enqueue=False)
    built = report_build(report_id=report.pk)
    assert built is not None
    assert built.status == Report.Status.READY, built.error
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    assessment.refresh_from_db()
    return assessment


def ready_report(organization: Organization, bank: QuestionBank, *, index, dimensions, label="C1"):
    """Store a ready report with summary columns only, as a peer in a benchmark."""
    assessment = AssessmentFactory(
        organization=organization, bank=bank, label=label, status=Assessment.Status.SCORED
    )
    return Report.objects.create(
        assessment=assessment,
        status=Report.Status.READY,
        alignment_index=index,
        band="aligned",
        dimension_scores={
            code: {"title": code.title(), "score": score} for code, score in dimensions.items()
        },
    )
