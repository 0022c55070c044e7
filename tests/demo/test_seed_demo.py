"""The demo seed builds a scored bakery once, and only once."""

import pytest
from django.core.management import call_command

from assessments.models import Assessment
from demo.services import DEMO_LOGINS, DEMO_ORGANIZATION
from organizations.models import Organization
from pulses.selectors import area_trend
from reports.models import ActionItem, KpiReading, Report

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_scores_the_cycles(default_bank, capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert "created" in first
    assert "already present" in second
    for _role, email, password in DEMO_LOGINS:
        assert email in second
        assert password in second
    organization = Organization.objects.get(name=DEMO_ORGANIZATION)
    assert organization.assessments.count() == 2
    reports = Report.objects.filter(assessment__organization=organization)
    assert {r.status for r in reports} == {Report.Status.READY}
    assert all(0 <= r.alignment_index <= 100 for r in reports)
    assert set(organization.assessments.values_list("status", flat=True)) == {
        Assessment.Status.SCORED
    }
    assert ActionItem.objects.filter(assessment__organization=organization).count() == 16
    # The latest demo cycle has a published team brief, so `make run` shows the brief pages.
    from briefs.models import BriefVersion

    published = BriefVersion.objects.filter(brief__assessment__organization=organization)
    assert list(published.values_list("brief__assessment__label", flat=True)) == ["2026-Q3"]
    # The latest plan's first actions have weekly KPI readings, so their charts show a story.
    latest = organization.assessments.order_by("-created_at").first()
    measured = ActionItem.objects.filter(assessment=latest, kpi_readings__isnull=False).distinct()
    assert measured.count() == 3
    assert all(item.baseline is not None for item in measured)
    assert KpiReading.objects.filter(action_item__assessment=latest).count() == 12
    # A closed pulse after the latest cycle, with results, so the area trend has a point.
    pulse = organization.pulses.get()
    assert pulse.closed_at is not None
    assert (pulse.respondents, pulse.others) == (6, 5)
    series = area_trend(organization=organization)
    assert series
    assert all(len(area.points) == 2 for area in series)


def test_seed_demo_refuses_without_debug(default_bank, settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")


def test_seed_demo_gives_the_consultant_a_portfolio_with_a_peer_group(default_bank, settings):
    from consultants.selectors.benchmarks import peer_benchmarks
    from demo.services import demo_seed_clients
    from organizations.selectors import organizations_for_user

    settings.DEBUG = True
    call_command("seed_demo")
    assert demo_seed_clients() is False  # idempotent
    consultant = Organization.objects.get(name=DEMO_ORGANIZATION).consultant_grants.get().consultant
    clients = organizations_for_user(user=consultant)
    assert clients.count() == 6
    assert not Report.objects.exclude(status=Report.Status.READY).exists()
    bakery = Organization.objects.get(name=DEMO_ORGANIZATION)
    groups = {group.kind: group for group in peer_benchmarks(organization=bakery)}
    assert groups["size"].shown  # five other micro businesses
    assert not groups["industry"].shown  # the only food business


def test_demo_log_ins_work_at_once(default_bank, settings, client):
    """seed_demo's addresses count as verified: the printed log-ins open the site directly."""
    from django.urls import reverse

    settings.DEBUG = True
    call_command("seed_demo")
    role, email, password = DEMO_LOGINS[0]
    response = client.post(reverse("login"), {"login": email, "password": password})
    assert response.status_code == 302, role
    assert "_auth_user_id" in client.session
