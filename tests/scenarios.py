"""Scenarios that many tests share, built from the factories: answered and scored cycles, a small
bank, consultants' clients with a history. The bench scripts use them too."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from assessments.models import Answer, Assessment
from banks.models import Question, QuestionBank
from consultants.models import ConsultantAccess
from organizations.models import Level, Membership, Organization
from reports.models import ActionItem, Report
from reports.services import report_build, report_request
from tests.accounts.factories import UserFactory
from tests.assessments.factories import AnswerFactory, AssessmentFactory, ResponseFactory
from tests.banks.factories import (
    AreaFactory,
    DimensionFactory,
    QuestionBankFactory,
    QuestionFactory,
)
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import (
    MembershipFactory,
    OrganizationFactory,
    StrategyProfileFactory,
)
from tests.reports.factories import ActionItemFactory, ReportFactory

# Per dimension: how well the business does, so scores differ between dimensions.
TENDENCY = {"market": 3.4, "operational": 2.4, "financial": 3.8, "organizational": 2.8}
DEFAULT_LEVELS = {Level.OWNER: 1, Level.MANAGER: 1, Level.STAFF: 4}
DIMENSIONS = {
    "market": "Market alignment",
    "operational": "Operational alignment",
    "financial": "Financial alignment",
    "organizational": "Organizational alignment",
}


# --- Banks ------------------------------------------------------------------------------------


def small_bank(*, slug: str, status: str = QuestionBank.Status.PUBLISHED) -> QuestionBank:
    """Create a bank of two dimensions, one area each and two questions per area."""
    # Built as a draft (only a draft takes new rows), then given its status.
    bank = QuestionBankFactory(slug=slug)
    for d_pos, code in enumerate(("market", "operational")):
        area = AreaFactory(
            dimension=DimensionFactory(bank=bank, code=code, position=d_pos), code=f"{code}.a"
        )
        for q_pos in range(2):
            QuestionFactory(
                area=area,
                code=f"{code}.a.q{q_pos}",
                text=f"Statement {code} {q_pos}",
                position=q_pos,
            )
    QuestionBank.objects.filter(pk=bank.pk).update(status=status)
    bank.refresh_from_db()
    return bank


# --- Answered and scored cycles ---------------------------------------------------------------


def answers_submit(
    assessment: Assessment,
    respondents: Iterable[tuple[str, object]],
    *,
    rng: random.Random,
    sigma: float,
    lift: dict[str, float] | float = 0.0,
    overrides: dict[str, int] | None = None,
) -> None:
    """Submit one response per (level, user) with random answers around `TENDENCY` + lift."""
    questions = list(
        Question.objects.filter(area__dimension__bank=assessment.bank).select_related(
            "area__dimension"
        )
    )
    answers = []
    for level, user in respondents:
        response = ResponseFactory(
            assessment=assessment, level=level, user=user, submitted_at=timezone.now()
        )
        level_lift = lift.get(level, 0.0) if isinstance(lift, dict) else lift
        for question in questions:
            if overrides and question.code in overrides:
                current = overrides[question.code]
            else:
                centre = TENDENCY.get(question.area.dimension.code, 3.0) + level_lift
                current = max(1, min(5, round(rng.gauss(centre, sigma))))
            answers.append(
                AnswerFactory.build(response=response, question=question, current=current)
            )
    Answer.objects.bulk_create(answers)


def answered_assessment(
    bank: QuestionBank,
    *,
    levels: dict[str, int] | None = None,
    status: str = Assessment.Status.CLOSED,
    seed: int = 7,
    owner_email: str = "owner@bakery.example",
    organization_name: str = "Crumb & Co",
) -> Assessment:
    """Return a cycle of a new organization whose respondents all submitted their answers."""
    owner = UserFactory(email=owner_email)
    organization = MembershipFactory(user=owner, organization__name=organization_name).organization
    StrategyProfileFactory(organization=organization)
    assessment = AssessmentFactory(
        organization=organization,
        bank=bank,
        label="2026-Q4",
        status=status,
        created_by=owner,
        closed_at=timezone.now() if status != Assessment.Status.OPEN else None,
    )
    respondents = [
        (level, owner if level == Level.OWNER and n == 0 else None)
        for level, count in (levels or DEFAULT_LEVELS).items()
        for n in range(count)
    ]
    answers_submit(
        assessment, respondents, rng=random.Random(seed), sigma=0.9, lift={Level.OWNER: 0.7}
    )
    return assessment


def report_ready(assessment: Assessment) -> Report:
    """Build the cycle's report in this process and return it, ready."""
    report = report_request(assessment=assessment, enqueue=False)
    built = report_build(report_id=report.pk)
    assert built is not None
    assert built.status == Report.Status.READY, built.error
    return built


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
    levels = (Level.OWNER, Level.MANAGER, Level.STAFF, Level.STAFF)
    answers_submit(
        assessment,
        [(level, None) for level in levels],
        rng=random.Random(seed),
        sigma=0.8,
        lift=lift,
        overrides=overrides,
    )
    report_ready(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    assessment.refresh_from_db()
    return assessment


def peer_report(organization: Organization, bank: QuestionBank, *, index, dimensions, label="C1"):
    """Store a ready report with summary columns only, as a peer in a benchmark."""
    return ReportFactory(
        assessment__organization=organization,
        assessment__bank=bank,
        assessment__label=label,
        alignment_index=index,
        band="aligned",
        dimension_scores={
            code: {"title": code.title(), "score": score} for code, score in dimensions.items()
        },
    )


def owner_of(assessment: Assessment):
    """Return the owner user of the assessment's organization."""
    return Membership.objects.get(
        organization=assessment.organization, role=Membership.Role.OWNER
    ).user


def consultant_for(
    assessment: Assessment, *, email: str = "consultant@advice.example", revoked: bool = False
):
    """Return a consultant user with an accepted grant to the assessment's organization."""
    grant = ConsultantAccessFactory(
        organization=assessment.organization, consultant=UserFactory(email=email), revoked=revoked
    )
    return grant.consultant


# --- Consultants' clients, straight in the database (no engine runs) ---------------------------


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


def _summary_report(assessment: Assessment, *, status: str, index, weakest: str, high_flags: int):
    """Return an unsaved report with the summary columns the portfolio reads."""
    return ReportFactory.build(
        assessment=assessment,
        status=status,
        alignment_index=index,
        band=band_of(index) if status == Report.Status.READY else "",
        dimension_scores=dimension_scores(index, weakest),
        weakest_dimension=weakest,
        high_flags=high_flags,
        finished_at=assessment.closed_at,
    )


def _item(assessment: Assessment, n: int, *, status: str, due) -> ActionItem:
    return ActionItemFactory.build(assessment=assessment, position=n, status=status, due=due)


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
    organization = OrganizationFactory(name=name, industry=industry, reminded_at=reminded_at)
    if grant:
        ConsultantAccessFactory(organization=organization, consultant=consultant, accepted_at=now)
    for position, cycle in enumerate(cycles):
        closed_at = (
            None if cycle.closed_days_ago is None else now - timedelta(cycle.closed_days_ago)
        )
        status = Assessment.Status.OPEN
        if closed_at is not None:
            ready = cycle.report_status == Report.Status.READY
            status = Assessment.Status.SCORED if ready else Assessment.Status.CLOSED
        assessment = AssessmentFactory(
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
            _summary_report(
                assessment,
                status=cycle.report_status,
                index=cycle.index,
                weakest=cycle.weakest,
                high_flags=cycle.high_flags,
            ).save()
        ActionItem.objects.bulk_create(
            _item(assessment, n, status=status_, due=timezone.localdate() + timedelta(days=due))
            for n, (status_, due) in enumerate(cycle.items)
        )
    return organization


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
        OrganizationFactory.build(
            name=f"Client {n:04d} {rng.choice(['Bakery', 'Garage', 'Studio', 'Shop', 'Works'])}",
            industry=rng.choice(INDUSTRIES),
            size_band=Organization.SizeBand.SMALL,
            reminded_at=now - timedelta(days=rng.randint(1, 30)) if n % 7 == 0 else None,
        )
        for n in range(count)
    )
    ConsultantAccess.objects.bulk_create(
        ConsultantAccessFactory.build(
            organization=organization, consultant=consultant, accepted_at=now
        )
        for organization in organizations
    )
    assessments = []
    for organization in organizations:
        last = rng.randint(5, 200)  # days since the newest cycle closed
        for k in range(cycles):
            closed = now - timedelta(days=last + 90 * (cycles - 1 - k))
            assessments.append(
                AssessmentFactory.build(
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
            _summary_report(
                assessment,
                status=Report.Status.READY,
                index=index,
                weakest=weakest,
                high_flags=rng.choice([0, 0, 0, 1, 2]),
            )
        )
        for n in range(items):
            due = today + timedelta(days=rng.randint(-60, 120))
            action_items.append(_item(assessment, n, status=rng.choice(ITEM_STATUSES), due=due))
    Report.objects.bulk_create(reports, batch_size=1000)
    ActionItem.objects.bulk_create(action_items, batch_size=2000)
    return organizations
