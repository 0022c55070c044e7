"""The demo: a neighbourhood bakery with two scored cycles, and a consultant's other clients."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import Answer, Assessment, Response
from assessments.services.invitations import token_new
from banks.models import Question
from banks.selectors import bank_published
from briefs.services import brief_prepare, brief_publish
from consultants.models import ConsultantAccess
from organizations.models import Level, Membership, Organization, StrategyProfile, ValueDiscipline
from pulses.models import Pulse, PulseAnswer, PulseLink, PulseQuestion, PulseSettings
from pulses.services import period_start, pulse_questions_pick, pulse_result_refresh
from reports.kpi_services import ReadingInput, kpi_readings_record
from reports.models import KpiReading, Report
from reports.services import report_build, report_request

DEMO_ORGANIZATION = "Crumb & Co Bakery"
DEMO_LOGINS = (
    ("owner", "owner@crumb.example", "crumb-owner-demo"),
    ("consultant", "consultant@resonance.example", "consultant-demo"),
    ("admin", "admin@resonance.example", "admin-demo"),
)
# The bakery's story: it promises affordable bread but buys premium inputs, knows its
# regulars but rarely asks them, bakes well but plans poorly, and talks little to its staff.
AREA_TENDENCY = {
    "market": 3.0,
    "operational": 2.6,
    "financial": 3.4,
    "organizational": 2.4,
}
STAFF_PER_CYCLE = 4
# The seed's bakery: a low-cost strategy, yet premium flour and a star pastry chef. Everyone
# rates both practices high, so the report finds the contradiction and the plan scales back.
BAKERY_OVERKILL = {
    "financial.costs.premium_inputs": 5,
    "organizational.people.specialists": 5,
}
# A few comments beside the answers, so the report's "in their own words" section has some:
# (left by the owner?, question code) -> comment.
DEMO_COMMENTS = {
    (True, "operational.planning.demand_forecast"): (
        "We bake by feel on Saturdays and still run out of sourdough by eleven."
    ),
    (True, "financial.costs.premium_inputs"): (
        "The stone-ground flour costs twice as much; I am not sure customers taste it."
    ),
    (False, "organizational.communication.staff_know"): (
        "Nobody has told us who the shop is really for."
    ),
    (False, "operational.processes.peaks"): "The morning queue goes out of the door most days.",
}
# The consultant's other clients: (name, industry, how aligned, days since each cycle closed).
# All are micro businesses, so with the bakery they make a size-band peer group of six.
DEMO_CLIENTS = (
    ("Northside Bikes", Organization.Industry.RETAIL, 3.4, (160, 40)),
    ("Harbour Guesthouse", Organization.Industry.HOSPITALITY, 2.5, (150,)),
    ("Keel Joinery", Organization.Industry.CONSTRUCTION, 3.0, (260, 170)),
    ("Ledger Lane Accounting", Organization.Industry.PROFESSIONAL, 3.8, (35,)),
    ("Bloom Florists", Organization.Industry.RETAIL, 2.8, (90,)),
)


def demo_seed() -> bool:
    """Create the demo users, organization and cycles; return False if they already exist."""
    if Organization.objects.filter(name=DEMO_ORGANIZATION).exists():
        return False
    bank = bank_published()
    if bank is None:
        raise RuntimeError("load a question bank first: manage.py load_bank PATH")
    with transaction.atomic():
        owner, consultant = _demo_users()
        organization = _client_of(
            consultant,
            owner=owner,
            name=DEMO_ORGANIZATION,
            industry=Organization.Industry.FOOD,
            capacity_days_per_month=6,
        )
        strategy = StrategyProfile.objects.create(
            organization=organization,
            target_customers="Families and commuters from the neighbourhood who buy every day.",
            segment="budget-conscious local families",
            primary_value=StrategyProfile.PrimaryValue.PRICE,
            value_discipline=ValueDiscipline.OPERATIONAL_EXCELLENCE,
            goals="Sell out by closing time with under 5 % waste; open a second counter in 2027.",
        )
        now = timezone.now()
        cycles = [
            ("2026-Q1", now - timedelta(days=200), 0.0),
            ("2026-Q3", now - timedelta(days=20), 0.4),
        ]
        assessments: list[Assessment] = []
        for label, closed_at, improvement in cycles:
            assessment = _closed_cycle(
                organization, bank, strategy, owner, label=label, at=closed_at
            )
            _answer_cycle(
                assessment,
                owner=owner,
                improvement=improvement,
                seed=len(assessments),
                fixed=BAKERY_OVERKILL,
            )
            assessments.append(assessment)
    _build_reports(assessments)
    if _kpi_readings_seed(assessments[-1], owner=owner):
        _build_reports(assessments[-1:])  # again, so the PDF shows the readings too
    _publish_brief(assessments[-1], owner=owner)
    _past_pulse(assessments[-1], owner=owner)
    return True


# The bakery's KPI story over the last weeks, as a share of the way from baseline to target:
# the first action keeps pace with its plan, the second stalls, the third is already there.
KPI_STORY = ((0.0, 0.2, 0.45, 0.6), (0.0, 0.05, 0.0, 0.1), (0.0, 0.5, 0.9, 1.0))
KPI_READING_DAYS = (42, 28, 14, 0)


def _kpi_readings_seed(assessment: Assessment, *, owner) -> bool:
    """Give the first actions of the plan a few weekly readings, so their charts show a story.

    Scale-back actions are left unmeasured: the demo shows a plan both with and without
    readings ("the first reading sets the baseline").
    """
    items = list(
        assessment.action_items.filter(direction="raise").order_by("position")[: len(KPI_STORY)]
    )
    today = timezone.localdate()
    readings = []
    for item, shares in zip(items, KPI_STORY, strict=False):
        if item.target is None:
            continue
        target = Decimal(str(item.target))
        # Where the business stood: half the target for a KPI to raise, double it to lower.
        baseline = target * 2 if item.kpi_direction == "down" else target / 2
        if baseline == target:
            baseline = target + 10 if item.kpi_direction == "down" else target - 10
        for days, share in zip(KPI_READING_DAYS, shares, strict=True):
            value = (baseline + (target - baseline) * Decimal(str(share))).quantize(Decimal("0.1"))
            note = "weekly figure from the till" if days else "this week"
            readings.append(ReadingInput(item, today - timedelta(days=days), value, note))
    if not readings:
        return False
    kpi_readings_record(readings=readings, user=owner, source=KpiReading.Source.WEB)
    return True


def _publish_brief(assessment: Assessment, *, owner) -> None:
    """Publish the team brief of the latest demo cycle, so the brief pages have something to show.

    The demo cycles have no invitees by e-mail, so no link is mailed. The earlier cycle keeps no
    brief: the latest report's communication pitfall then says that none was published.
    """
    brief = brief_prepare(assessment=assessment)
    brief.note = (
        "Thank you all for answering. We are doing well on price, but the mornings are "
        "rushed and we waste too much bread: the three steps above tackle that first."
    )
    brief.save(update_fields=["note"])
    brief_publish(brief=brief, user=owner, mail_links=False)


# The bakery's pulse twelve days ago: five staff and the owner answered. The plan's items moved
# up a step; the promise to customers slipped, so the trend shows a drop worth a look.
PULSE_STAFF = 5
PULSE_LIFT = 1.0
PULSE_SLIPPED = {"market.value.promise_kept": -1.5}


def _past_pulse(assessment: Assessment, *, owner) -> None:
    """Give the demo a closed pulse after its latest cycle, so the area trend has a point."""
    now = timezone.now()
    with transaction.atomic():
        PulseSettings.objects.update_or_create(
            organization=assessment.organization,
            defaults={"cadence": PulseSettings.Cadence.MONTHLY},
        )
        opened_at = now - timedelta(days=12)
        pulse = Pulse.objects.create(
            organization=assessment.organization,
            assessment=assessment,
            # This month's: beat opens the next pulse next month, not on the first `make run`.
            period_start=period_start(cadence=PulseSettings.Cadence.MONTHLY, day=now.date()),
            opened_at=opened_at,
            closes_at=opened_at + timedelta(days=7),
        )
        questions = pulse_questions_pick(assessment=assessment)
        PulseQuestion.objects.bulk_create(
            PulseQuestion(pulse=pulse, question=question, position=n)
            for n, question in enumerate(questions)
        )
        before = _cycle_currents(assessment)
        rng = random.Random(4242)  # noqa: S311 - demo data, not security
        people = [(owner.email, Level.OWNER)] + [
            (f"staff{n}@crumb.example", Level.STAFF) for n in range(1, PULSE_STAFF + 1)
        ]
        answers = []
        for email, level in people:
            link = PulseLink.objects.create(
                pulse=pulse,
                email=email,
                level=level,
                # Never mailed: a digest of a random token that nobody holds.
                token_hash=token_new()[1],
                expires_at=pulse.closes_at,
                sent_at=opened_at,
                submitted_at=opened_at + timedelta(days=rng.randint(0, 5)),
            )
            for question in questions:
                centre = before.get(question.code, 3.0)
                centre += PULSE_SLIPPED.get(question.code, PULSE_LIFT)
                current = max(1, min(5, round(rng.gauss(centre, 0.6))))
                answers.append(PulseAnswer(link=link, question=question, current=current))
        PulseAnswer.objects.bulk_create(answers)
    pulse_result_refresh(pulse_id=pulse.pk)
    Pulse.objects.filter(pk=pulse.pk).update(closed_at=pulse.closes_at)


def _cycle_currents(assessment: Assessment) -> dict[str, float]:
    """Return each question's current level in the cycle's report (the mean of level means)."""
    result = Report.objects.get(assessment=assessment).result or {}
    return {
        fit["question"]: fit["current"]
        for dimension in result.get("dimensions", {}).values()
        for area in dimension.get("areas", {}).values()
        for fit in area.get("contributions", [])
        if fit.get("current") is not None
    }


def demo_seed_clients() -> bool:
    """Give the demo consultant a few more clients, each with scored cycles; idempotent."""
    bank = bank_published()
    consultant = get_user_model().objects.filter(username=DEMO_LOGINS[1][1]).first()
    if bank is None or consultant is None:
        raise RuntimeError("seed the demo bakery first")
    names = [name for name, *_rest in DEMO_CLIENTS]
    if Organization.objects.filter(name__in=names).exists():
        return False
    assessments = []
    with transaction.atomic():
        for position, (name, industry, tendency, cycle_ages) in enumerate(DEMO_CLIENTS):
            slug = name.split()[0].lower()
            owner, _ = get_user_model().objects.get_or_create(
                username=f"owner@{slug}.example", defaults={"email": f"owner@{slug}.example"}
            )
            organization = _client_of(consultant, owner=owner, name=name, industry=industry)
            strategy = StrategyProfile.objects.create(
                organization=organization,
                target_customers="Local customers who come back.",
                segment="local regulars",
                primary_value=StrategyProfile.PrimaryValue.SERVICE,
                value_discipline=ValueDiscipline.CUSTOMER_INTIMACY,
            )
            for number, days in enumerate(cycle_ages):
                closed_at = timezone.now() - timedelta(days=days)
                assessment = _closed_cycle(
                    organization, bank, strategy, owner, label=f"Cycle {number + 1}", at=closed_at
                )
                _answer_cycle(
                    assessment,
                    owner=owner,
                    improvement=tendency - 3.0 + 0.3 * number,
                    seed=10 * position + number,
                )
                assessments.append(assessment)
    _build_reports(assessments)
    return True


def _client_of(consultant, *, owner, **fields) -> Organization:
    """Create a micro business owned by `owner` that granted `consultant` access."""
    # The demo businesses are British: their times read as a London owner would expect.
    fields.setdefault("time_zone", "Europe/London")
    organization = Organization.objects.create(size_band=Organization.SizeBand.MICRO, **fields)
    Membership.objects.create(user=owner, organization=organization)
    ConsultantAccess.objects.create(
        organization=organization,
        email=consultant.email,
        consultant=consultant,
        granted_by=owner,
        accepted_at=timezone.now(),
    )
    return organization


def _closed_cycle(organization, bank, strategy, owner, *, label: str, at) -> Assessment:
    assessment = Assessment.objects.create(
        organization=organization,
        bank=bank,
        label=label,
        status=Assessment.Status.CLOSED,
        strategy_snapshot=strategy.snapshot(),
        created_by=owner,
        closed_at=at,
    )
    Assessment.objects.filter(pk=assessment.pk).update(created_at=at - timedelta(days=14))
    return assessment


def _build_reports(assessments: list[Assessment]) -> None:
    for assessment in assessments:
        report = report_request(assessment=assessment, enqueue=False)  # built right here
        report_build(report_id=report.pk)


def _demo_users():
    user_model = get_user_model()
    users = {}
    for role, email, password in DEMO_LOGINS:
        user, _ = user_model.objects.get_or_create(username=email, defaults={"email": email})
        user.set_password(password)
        if role == "admin":
            user.is_staff = user.is_superuser = True
        user.save()
        # Public demo log-ins work at once: their addresses count as verified.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[role] = user
    return users["owner"], users["consultant"]


def _answer_cycle(
    assessment: Assessment,
    *,
    owner,
    improvement: float,
    seed: int,
    fixed: dict[str, int] | None = None,
) -> None:
    fixed = fixed or {}
    rng = random.Random(2026 + seed)  # noqa: S311 - demo data, not security
    questions = list(
        Question.objects.filter(area__dimension__bank=assessment.bank).select_related(
            "area__dimension"
        )
    )
    people = [(Level.OWNER, owner), (Level.MANAGER, None)] + [(Level.STAFF, None)] * STAFF_PER_CYCLE
    answers = []
    commented: set[tuple[bool, str]] = set()  # each demo comment is left by one person
    for level, user in people:
        response = Response.objects.create(
            assessment=assessment,
            level=level,
            user=user,
            submitted_at=assessment.closed_at,
        )
        # Owners see their business a little more kindly than their staff do.
        optimism = 0.6 if level == Level.OWNER else 0.0
        for question in questions:
            if question.code in fixed:
                current = fixed[question.code]
            elif level != Level.OWNER and rng.random() < 0.06:
                current = None  # "don't know"
            else:
                tendency = AREA_TENDENCY.get(question.area.dimension.code, 3.0)
                centre = tendency + improvement + optimism
                current = max(1, min(5, round(rng.gauss(centre, 0.9))))
            key = (level == Level.OWNER, question.code)
            comment = "" if key in commented else DEMO_COMMENTS.get(key, "")
            if comment:
                commented.add(key)
            answers.append(
                Answer(response=response, question=question, current=current, comment=comment)
            )
    Answer.objects.bulk_create(answers)
