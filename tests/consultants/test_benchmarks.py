"""Peer benchmarks: quartiles of comparable organizations, shown only for large enough groups."""

import pytest
from django.urls import reverse

from consultants.selectors.benchmarks import peer_benchmarks
from organizations.models import Organization
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.scenarios import peer_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_pdf")]

FOOD, MICRO = Organization.Industry.FOOD, Organization.SizeBand.MICRO
# Distinctive scores, so a leaked single value would be recognisable on the page.
PEER_SCORES = [17.3, 41.9, 52.7, 66.1, 88.6, 73.4]


@pytest.fixture
def client_org(default_bank):
    organization = MembershipFactory(
        user__email="owner@crumb.example",
        organization__name="Crumb & Co",
        organization__industry=FOOD,
        organization__size_band=MICRO,
    ).organization
    peer_report(
        organization, default_bank, index=55.0, dimensions={"market": 60.0, "operational": 50.0}
    )
    return organization


def _peers(bank, scores, *, industry=FOOD, size_band=Organization.SizeBand.MEDIUM, prefix="Peer"):
    for n, score in enumerate(scores):
        org = OrganizationFactory(
            name=f"{prefix} Bakery {n}", industry=industry, size_band=size_band
        )
        peer_report(
            org, bank, index=score, dimensions={"market": score + 1, "operational": score - 1}
        )


def _group(groups, kind):
    return next(g for g in groups if g.kind == kind)


def test_four_other_organizations_are_not_enough(client_org, default_bank, settings):
    settings.BENCHMARK_MIN_PEERS = 5
    _peers(default_bank, PEER_SCORES[:4])
    industry = _group(peer_benchmarks(organization=client_org), "industry")
    assert industry.peers == 4
    assert not industry.shown
    assert industry.scores == []


def test_five_other_organizations_show_quartiles(client_org, default_bank, settings):
    settings.BENCHMARK_MIN_PEERS = 5
    _peers(default_bank, PEER_SCORES[:5])
    industry = _group(peer_benchmarks(organization=client_org), "industry")
    assert industry.shown
    assert industry.peers == 5  # the client itself is not one of its peers
    index = industry.scores[0]
    assert index.code == "index"
    # 17.3, 41.9, 52.7, 66.1, 88.6: each quartile sits on a peer, so it blends three of them.
    assert index.lower_quartile == round((17.3 + 41.9 + 52.7) / 3)
    assert index.median == round((41.9 + 52.7 + 66.1) / 3)
    assert index.upper_quartile == round((52.7 + 66.1 + 88.6) / 3)
    assert index.own == 55
    assert index.position == "above the median"
    market = next(s for s in industry.scores if s.code == "market")
    assert market.median == round((42.9 + 53.7 + 67.1) / 3)


def test_size_band_is_a_separate_group(client_org, default_bank, settings):
    settings.BENCHMARK_MIN_PEERS = 5
    # Five food businesses of another size, and five micro businesses of another industry.
    _peers(default_bank, PEER_SCORES[:5])
    _peers(
        default_bank,
        [10.0, 20.0, 30.0, 40.0, 50.0],
        industry=Organization.Industry.RETAIL,
        size_band=MICRO,
        prefix="Shop",
    )
    groups = peer_benchmarks(organization=client_org)
    assert _group(groups, "industry").scores[0].median == round((41.9 + 52.7 + 66.1) / 3)
    size = _group(groups, "size")
    assert size.shown
    assert size.scores[0].median == 30.0
    assert size.scores[0].position == "top quarter"


def test_each_peer_counts_with_its_latest_ready_report_only(client_org, default_bank, settings):
    settings.BENCHMARK_MIN_PEERS = 5
    _peers(default_bank, [50.0] * 5)
    # One peer improved: its older report must no longer count.
    peer = Organization.objects.get(name="Peer Bakery 0")
    peer_report(peer, default_bank, index=90.0, dimensions={}, label="C2")
    industry = _group(peer_benchmarks(organization=client_org), "industry")
    assert industry.peers == 5
    assert industry.scores[0].upper_quartile == 63  # blend of 50, 50 and 90


def test_page_never_names_a_peer_or_shows_its_extremes(client, client_org, default_bank, settings):
    settings.BENCHMARK_MIN_PEERS = 5
    _peers(default_bank, PEER_SCORES)
    client.force_login(client_org.memberships.get().user)
    html = client.get(reverse("clients:dashboard", args=[client_org.pk])).content.decode()
    section = html[html.index('id="benchmark"') : html.index('id="plan"')]
    assert 'data-testid="benchmark-industry"' in section
    assert "6 other businesses" in section
    assert "Peer Bakery" not in html
    lowest, highest = min(PEER_SCORES), max(PEER_SCORES)
    for value in (lowest, highest, lowest + 1, highest + 1, lowest - 1, highest - 1):
        assert f"{value:.1f}" not in section, value
    # Six peers: the median lies between the third and fourth, 52.7 and 66.1.
    assert f'<td class="num">{round((52.7 + 66.1) / 2)}</td>' in section


def test_hidden_group_says_why(client, client_org, default_bank, settings):
    settings.BENCHMARK_MIN_PEERS = 5
    _peers(default_bank, PEER_SCORES[:4])
    client.force_login(client_org.memberships.get().user)
    html = client.get(reverse("clients:dashboard", args=[client_org.pk])).content.decode()
    assert 'data-testid="benchmark-industry-hidden"' in html
    assert "4 other businesses with a report, at least 5 needed" in html
    for value in PEER_SCORES[:4]:
        assert f"{value:.1f}" not in html


@pytest.mark.parametrize(
    "scores",
    [
        [17.3, 41.9, 52.7, 66.1, 88.6],
        [17.3, 41.9, 52.7, 66.1, 88.6, 73.4],
        [17.3, 41.9, 52.7, 66.1, 88.6, 73.4, 58.2],
    ],
    ids=["5 peers", "6 peers", "7 peers"],
)
def test_no_shown_figure_is_a_single_peers_score(client_org, default_bank, settings, scores):
    settings.BENCHMARK_MIN_PEERS = 5
    _peers(default_bank, scores)
    industry = _group(peer_benchmarks(organization=client_org), "industry")
    assert industry.shown
    exact = {*scores, *(s + 1 for s in scores), *(s - 1 for s in scores)}  # index, dimensions
    for spread in industry.scores:
        shown = (spread.lower_quartile, spread.median, spread.upper_quartile)
        assert all(isinstance(value, int) for value in shown), "whole points only"
        assert not exact & set(shown), spread
        assert spread.lower_quartile <= spread.median <= spread.upper_quartile


def test_blended_quartiles_refuse_groups_too_small_to_blend(client_org, default_bank, settings):
    settings.BENCHMARK_MIN_PEERS = 2
    _peers(default_bank, [41.9, 66.1])
    industry = _group(peer_benchmarks(organization=client_org), "industry")
    assert not industry.shown
    assert industry.minimum == 3
    assert industry.scores == []
