"""Build client organizations with scored cycles straight in the database, no engine runs.

Reports get realistic summary columns (index, band, dimension scores, weakest dimension, high
flags) and the cycles get action items; the portfolio reads nothing else. The bench script uses
`clients_seed` too, for 500 clients.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from assessments.models import Assessment
from banks.models import QuestionBank
from consultants.models import ConsultantAccess
from organizations.models import Organization
from reports.models import ActionItem, Report

DIMENSIONS = {
    "market": "Market alignment",
    "operational": "Operational alignment",
    "financial": "Financial alignment",
    "organizational": "Organizational alignment",
}


def band_of(index: float | None) -> str:
    """Return the band of an alignment index, as the engine names it."""
    if index is None:
        return "insufficient_data"
    if index < 50:
        return "misaligned"
    if index < 70:
        return "partially_aligned"
    if index < 85:
        return "aligned"
    return "resonant"


@dataclass
class Cycle:
    """One cycle of a hand-built client; `items` are (status, due in days from today)."""

    label: str
    closed_days_ago: int | None  # None: the cycle is still open
    index: float | None = None
    weakest: str = "operational"
    high_flags: int = 0
    report_status: str | None = Report.Status.READY
    items: list[tuple[str, int]] = field(default_factory=list)


def dimension_scores(index: float | None, weakest: str) -> dict[str, dict]:
    base = 60.0 if index is None else index
    return {
        code: {"title": title, "score": base - 15 if code == weakest else base + 5}
        for code, title in DIMENSIONS.items()
    }


def client_build(
    *,
    bank: QuestionBank,
    consultant,
    name: str,
    cycles: list[Cycle],
    industry: str = Organization.Industry.FOOD,
    reminded_at: datetime | None = None,
    grant: bool = True,
) -> Organization:
    """Create one client with the given cycles (oldest first) and an accepted grant."""
    now = timezone.now()
    organization = Organization.objects.create(
        name=name, industry=industry, size_band="micro", reminded_at=reminded_at
    )
    if grant:
        ConsultantAccess.objects.create(
            organization=organization,
            email=consultant.email,
            consultant=consultant,
            accepted_at=now,
        )
    for position, cycle in enumerate(cycles):
        closed_at = (
            None if cycle.closed_days_ago is None else now - timedelta(cycle.closed_days_ago)
        )
        status = Assessment.Status.OPEN
        if closed_at is not None:
            ready = cycle.report_status == Report.Status.READY
            status = Assessment.Status.SCORED if ready else Assessment.Status.CLOSED
        assessment = Assessment.objects.create(
            organization=organization,
            bank=bank,
            label=cycle.label,
            status=status,
            closed_at=closed_at,
        )
        created = (closed_at or now) - timedelta(days=14)
        # Keep creation order equal to the list order even when dates tie.
        created += timedelta(seconds=position)
        Assessment.objects.filter(pk=assessment.pk).update(created_at=created)
        if closed_at is not None and cycle.report_status is not None:
            Report.objects.create(
                assessment=assessment,
                status=cycle.report_status,
                alignment_index=cycle.index,
                band=band_of(cycle.index) if cycle.report_status == Report.Status.READY else "",
                dimension_scores=dimension_scores(cycle.index, cycle.weakest),
                weakest_dimension=cycle.weakest,
                high_flags=cycle.high_flags,
                finished_at=closed_at,
            )
        ActionItem.objects.bulk_create(
            _item(assessment, n, status=status_, due=timezone.localdate() + timedelta(days=due))
            for n, (status_, due) in enumerate(cycle.items)
        )
    return organization


def _item(assessment: Assessment, n: int, *, status: str, due) -> ActionItem:
    return ActionItem(
        assessment=assessment,
        question_code=f"q{n}",
        position=n,
        title=f"Action {n}",
        specific="Do the thing.",
        kpi="things",
        unit="count",
        baseline=2.0,
        target=4.0,
        effort=2,
        effort_days=3.0,
        feasibility=0.8,
        owner_role="Owner",
        dimension_code="operational",
        area_code="operational.a",
        expected_uplift=1.5,
        start=due - timedelta(weeks=4),
        due=due,
        status=status,
    )


INDUSTRIES = [choice for choice, _label in Organization.Industry.choices]
ITEM_STATUSES = [ActionItem.Status.TODO, ActionItem.Status.IN_PROGRESS, ActionItem.Status.DONE]


def clients_seed(
    *, bank: QuestionBank, consultant, count: int, cycles: int = 4, items: int = 8, seed: int = 1
) -> list[Organization]:
    """Create `count` clients with `cycles` scored cycles each, in a few bulk inserts."""
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"Client {n:04d} {rng.choice(['Bakery', 'Garage', 'Studio', 'Shop', 'Works'])}",
            industry=rng.choice(INDUSTRIES),
            size_band="small",
            reminded_at=now - timedelta(days=rng.randint(1, 30)) if n % 7 == 0 else None,
        )
        for n in range(count)
    )
    ConsultantAccess.objects.bulk_create(
        ConsultantAccess(
            organization=organization,
            email=consultant.email,
            consultant=consultant,
            accepted_at=now,
        )
        for organization in organizations
    )
    assessments = []
    for organization in organizations:
        last = rng.randint(5, 200)  # days since the newest cycle closed
        for k in range(cycles):
            closed = now - timedelta(days=last + 90 * (cycles - 1 - k))
            assessments.append(
                Assessment(
                    organization=organization,
                    bank=bank,
                    label=f"C{k + 1}",
                    status=Assessment.Status.SCORED,
                    closed_at=closed,
                )
            )
    assessments = Assessment.objects.bulk_create(assessments)
    for assessment in assessments:
        assessment.created_at = assessment.closed_at - timedelta(days=14)
    Assessment.objects.bulk_update(assessments, ["created_at"], batch_size=1000)
    reports, action_items = [], []
    for assessment in assessments:
        index = round(rng.uniform(30, 95), 2)
        weakest = rng.choice(list(DIMENSIONS))
        reports.append(
            Report(
                assessment=assessment,
                status=Report.Status.READY,
                alignment_index=index,
                band=band_of(index),
                dimension_scores=dimension_scores(index, weakest),
                weakest_dimension=weakest,
                high_flags=rng.choice([0, 0, 0, 1, 2]),
                finished_at=assessment.closed_at,
            )
        )
        for n in range(items):
            due = today + timedelta(days=rng.randint(-60, 120))
            action_items.append(_item(assessment, n, status=rng.choice(ITEM_STATUSES), due=due))
    Report.objects.bulk_create(reports, batch_size=1000)
    ActionItem.objects.bulk_create(action_items, batch_size=2000)
    return organizations
