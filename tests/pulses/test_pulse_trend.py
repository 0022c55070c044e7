"""The area trend from the last full cycle through its pulses, and drops for drift alerts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pulses.models import Pulse
from pulses.selectors import area_trend, latest_area_drops
from pulses.services import pulse_result_refresh, pulses_close_due
from tests.assessments.factories import AssessmentFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import OrganizationFactory
from tests.pulses.conftest import STAFF, later
from tests.pulses.test_pulse_links import answer_all

pytestmark = pytest.mark.django_db


def cycle_area_scores(assessment) -> dict[str, float]:
    scores = {}
    for dimension in assessment.report.result["dimensions"].values():
        for code, area in dimension["areas"].items():
            scores[code] = area["score"]
    return scores


def test_the_trend_starts_at_the_cycle_and_adds_the_pulse(client, opened, cycle, organization):
    pulse, tokens = opened
    assert area_trend(organization=organization) == []  # nothing shown below three people
    for email in STAFF[:3]:
        answer_all(client, pulse, tokens[email], value=1)
    series = area_trend(organization=organization)
    pulse.refresh_from_db()
    assert {area.code for area in series} == set(pulse.result["areas"])
    cycle_scores = cycle_area_scores(cycle)
    for area in series:
        first, second = area.points
        assert (first.label, first.pulse_id, first.score) == (
            "2026-Q3",
            None,
            cycle_scores[area.code],
        )
        assert second.pulse_id == pulse.pk
        assert second.is_open
        assert second.score == pulse.result["areas"][area.code]["score"]
        # Everyone at 1 sits far below what the strategy needs.
        assert second.score < first.score
        assert pulse.result["areas"][area.code]["previous"] == pytest.approx(first.score)


def test_the_owner_and_a_consultant_see_the_trend(client, opened, owner_client):
    pulse, tokens = opened
    for email in STAFF[:3]:
        answer_all(client, pulse, tokens[email], value=2)
    organization = pulse.organization
    page = owner_client.get(organization.get_absolute_url()).content.decode()
    assert 'data-testid="area-trend-table"' in page
    assert "Area trend since the last cycle" in page
    assert 'data-testid="open-pulse"' in page
    assert "3 of 5 people answered so far" in page
    consultant = ConsultantAccessFactory(organization=organization).consultant
    client.force_login(consultant)
    page = client.get(reverse("clients:dashboard", args=[organization.pk])).content.decode()
    assert 'data-testid="area-trend-table"' in page
    assert client.get(reverse("pulses:list", args=[organization.pk])).status_code == 200


def test_a_drop_is_measured_against_the_previous_pulse(client, opened, organization):
    pulse, tokens = opened
    for email in STAFF[:3]:
        answer_all(client, pulse, tokens[email], value=4)
    pulses_close_due(now=later(8))
    pulse.refresh_from_db()
    first_scores = {code: area["score"] for code, area in pulse.result["areas"].items()}
    # A second pulse, answered lower: its previous measurement is the first pulse.
    second = Pulse.objects.create(
        organization=organization,
        assessment=pulse.assessment,
        period_start=pulse.period_start + timedelta(days=40),
        opened_at=pulse.opened_at + timedelta(days=30),
        closes_at=pulse.opened_at + timedelta(days=37),
    )
    second.pulse_questions.bulk_create(
        type(pq)(pulse=second, question=pq.question, position=pq.position)
        for pq in pulse.pulse_questions.all()
    )
    for link in pulse.links.filter(email__in=STAFF[:3]):
        new = second.links.create(
            email=link.email,
            level=link.level,
            token_hash=link.token_hash[::-1],
            expires_at=later(40),
            submitted_at=timezone.now(),
        )
        new.answers.bulk_create(
            type(answer)(link=new, question=answer.question, current=1, client_seq=1)
            for answer in link.answers.all()
        )
    pulse_result_refresh(pulse_id=second.pk)
    Pulse.objects.filter(pk=second.pk).update(closed_at=later(38))
    second.refresh_from_db()
    for code, area in second.result["areas"].items():
        assert area["previous"] == pytest.approx(first_scores[code])
    drops = latest_area_drops([organization.pk])[organization.pk]
    assert {code for code, *_ in drops} == {
        code
        for code, area in second.result["areas"].items()
        if first_scores[code] - area["score"] >= 10
    }
    assert all(
        pulse_id == second.pk and previous - current >= 10
        for _c, previous, current, pulse_id in drops
    )
    assert latest_area_drops([organization.pk], threshold=101) == {}


def _org_with_pulses(n: int, *, drop: float) -> int:
    organization = OrganizationFactory()
    assessment = AssessmentFactory(organization=organization, status="closed")
    now = timezone.now()
    for k in range(n):
        Pulse.objects.create(
            organization=organization,
            assessment=assessment,
            period_start=now.date() - timedelta(days=40 * (n - k)),
            opened_at=now - timedelta(days=40 * (n - k)),
            closes_at=now - timedelta(days=40 * (n - k) - 7),
            closed_at=now - timedelta(days=40 * (n - k) - 7),
            others=3,
            respondents=4,
            result={
                "areas": {
                    "market.value": {"score": 70.0 - drop * k, "previous": 70.0 - drop * (k - 1)},
                    "operational.planning": {"score": 60.0, "previous": 61.0},
                }
            },
        )
    # A closed pulse whose results are hidden never counts, even when it is the newest.
    Pulse.objects.create(
        organization=organization,
        assessment=assessment,
        period_start=now.date(),
        opened_at=now - timedelta(days=8),
        closes_at=now - timedelta(days=1),
        closed_at=now,
        others=2,
        result=None,
    )
    return organization.pk


def test_latest_area_drops_reads_only_the_latest_shown_pulse(django_assert_num_queries):
    dropping = _org_with_pulses(3, drop=12.5)
    steady = _org_with_pulses(2, drop=0)
    latest = Pulse.objects.filter(organization_id=dropping, result__isnull=False).latest(
        "closed_at"
    )
    with django_assert_num_queries(1):
        drops = latest_area_drops([dropping, steady, 999_999])
    assert drops == {dropping: [("market.value", 57.5, 45.0, latest.pk)]}


def test_latest_area_drops_runs_one_query_however_many_organizations():
    few = [_org_with_pulses(2, drop=15) for _ in range(2)]
    many = few + [_org_with_pulses(3, drop=15) for _ in range(12)]
    counts = []
    for ids in (few, many):
        with CaptureQueriesContext(connection) as queries:
            drops = latest_area_drops(ids)
        counts.append(len(queries))
        assert set(drops) == set(ids)
    assert counts == [1, 1]
