"""Beat opens each due pulse once, with the right questions and a mailed link per person."""

import threading
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import IntegrityError, connection
from django.utils import timezone

from assessments.models import Assessment
from organizations.models import Level, Membership
from pulses.models import Pulse, PulseLink, PulseSettings
from pulses.services import (
    period_start,
    pulse_cadence_set,
    pulse_questions_pick,
    pulse_recipients,
    pulses_close_due,
    pulses_open_due,
)
from reports.models import ActionItem
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory
from tests.pulses.conftest import STAFF, later, tokens_mailed

pytestmark = pytest.mark.django_db


def test_two_beats_open_one_pulse(cycle, organization):
    pulse_cadence_set(organization=organization, cadence="monthly")
    mail.outbox.clear()
    first = pulses_open_due()
    second = pulses_open_due()
    assert len(first) == 1
    assert second == []
    assert Pulse.objects.filter(organization=organization).count() == 1
    # The owner and the four invited staff, one mail and one link each.
    assert sorted(tokens_mailed()) == sorted(["owner@example.com", *STAFF])
    assert PulseLink.objects.filter(pulse_id=first[0]).count() == 5
    assert PulseLink.objects.filter(sent_at__isnull=False).count() == 5


def test_one_pulse_per_period_is_a_database_rule(opened):
    pulse, _tokens = opened
    with pytest.raises(IntegrityError):
        Pulse.objects.create(
            organization=pulse.organization,
            assessment=pulse.assessment,
            period_start=pulse.period_start,
            opened_at=timezone.now(),
            closes_at=timezone.now(),
        )


def test_stored_tokens_are_hashes(opened):
    pulse, tokens = opened
    stored = set(PulseLink.objects.filter(pulse=pulse).values_list("token_hash", flat=True))
    assert not stored & set(tokens.values())
    assert all(len(digest) == 64 for digest in stored)


def test_nothing_opens_when_off_without_a_scored_cycle_or_during_a_cycle(
    cycle, organization, owner
):
    assert pulses_open_due() == []  # no cadence chosen: off
    pulse_cadence_set(organization=organization, cadence="off")
    assert pulses_open_due() == []
    pulse_cadence_set(organization=organization, cadence="biweekly")
    running = Assessment.objects.create(
        organization=organization, bank=cycle.bank, label="2026-Q4", created_by=owner
    )
    assert pulses_open_due() == []  # the team is answering the full questionnaire
    running.delete()
    cycle.report.delete()
    assert pulses_open_due() == []  # no scored cycle to follow up


def test_the_next_period_opens_after_the_pulse_closed(opened, organization):
    pulse, _tokens = opened
    assert pulses_open_due(now=later(3)) == []  # same month, or the pulse still runs
    assert pulses_close_due(now=later(8)) == [pulse.pk]
    next_month = datetime(2031, 1, 15, 9, 0, tzinfo=UTC)
    reopened = pulses_open_due(now=next_month)
    assert len(reopened) == 1
    assert Pulse.objects.get(pk=reopened[0]).period_start == date(2031, 1, 1)


def test_period_starts():
    assert period_start(cadence="monthly", day=date(2026, 12, 17)) == date(2026, 12, 1)
    # Fortnights counted from Monday 2024-01-01: 2026-11-30 starts one, so does 2026-12-14.
    assert period_start(cadence="biweekly", day=date(2026, 11, 30)) == date(2026, 11, 30)
    assert period_start(cadence="biweekly", day=date(2026, 12, 13)) == date(2026, 11, 30)
    assert period_start(cadence="biweekly", day=date(2026, 12, 14)) == date(2026, 12, 14)


def test_questions_are_the_banks_then_the_plan_up_to_ten(cycle):
    bank_codes = list(cycle.bank.pulse_questions)
    assert len(bank_codes) == 4
    plan = list(
        ActionItem.objects.filter(assessment=cycle)
        .order_by("position")
        .values_list("question_code", flat=True)
    )
    picked = [q.code for q in pulse_questions_pick(assessment=cycle)]
    expected_plan = [code for code in plan if code not in bank_codes][:6]
    assert picked == expected_plan + bank_codes
    assert len(picked) == min(10, len(expected_plan) + 4)


def test_without_bank_questions_the_plan_gives_at_most_eight(cycle):
    cycle.bank.pulse_questions = []  # a bank without any (published banks cannot change)
    plan = list(
        ActionItem.objects.filter(assessment=cycle)
        .order_by("position")
        .values_list("question_code", flat=True)
    )
    picked = [q.code for q in pulse_questions_pick(assessment=cycle)]
    assert picked == plan[:8]


def test_recipients_are_members_and_the_cycles_invitees(cycle, organization):
    manager = UserFactory(email="Mia@Crumb.example")
    MembershipFactory(user=manager, organization=organization, role=Membership.Role.MANAGER)
    # Invited as staff too: the member level wins; a withdrawn invitation gets no pulse.
    cycle.invitations.create(
        email="mia@crumb.example", level=Level.STAFF, token_hash="x" * 64, expires_at=later(1)
    )
    cycle.invitations.filter(email=STAFF[3]).update(revoked_at=timezone.now())
    assert pulse_recipients(assessment=cycle) == sorted(
        [
            ("mia@crumb.example", Level.MANAGER),
            ("owner@example.com", Level.OWNER),
            *[(email, Level.STAFF) for email in STAFF[:3]],
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_the_same_moment_open_one_pulse(cycle, organization):
    """Two beat runs race on real PostgreSQL: the row lock and the constraint leave one pulse."""
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks (set DATABASE_URL)")
    PulseSettings.objects.create(organization=organization, cadence="monthly")
    mail.outbox.clear()
    start = threading.Barrier(2)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def beat():
        try:
            start.wait()
            results.append(pulses_open_due())
        except BaseException as exc:  # reported below, with the test's own assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(len(opened) for opened in results) == [0, 1]
    assert Pulse.objects.filter(organization=organization).count() == 1
    assert PulseLink.objects.count() == 5
    assert len(mail.outbox) == 5
