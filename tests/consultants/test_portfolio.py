"""The consultant's portfolio: columns, sort, filters, search, pages, exports, query count."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consultants.selectors.portfolio import PortfolioQuery, portfolio_row, portfolio_rows
from organizations.models import Organization
from reports.models import ActionItem, KpiReading
from tests.accounts.factories import UserFactory
from tests.scenarios import Cycle, client_build, clients_seed

pytestmark = pytest.mark.django_db

DONE, TODO, DOING = ActionItem.Status.DONE, ActionItem.Status.TODO, ActionItem.Status.IN_PROGRESS
URL = reverse("consultants:portfolio")


@pytest.fixture
def clients(default_bank, consultant):
    """Four clients of the consultant, one business without a grant, one of another consultant."""
    industries = Organization.Industry
    built = {
        "alpha": client_build(
            bank=default_bank,
            consultant=consultant,
            name="Alpha Bakery",
            cycles=[
                Cycle("A-1", 200, index=50.0),
                Cycle(
                    "A-2",
                    30,
                    index=62.4,
                    weakest="operational",
                    high_flags=2,
                    items=[(DONE, -10), (TODO, -5), (DOING, 10), (TODO, 20)],
                ),
            ],
        ),
        "beta": client_build(
            bank=default_bank,
            consultant=consultant,
            name="Beta Garage",
            industry=industries.MANUFACTURING,
            reminded_at=timezone.now() - timedelta(days=3),
            cycles=[
                Cycle("B-1", 400, index=80.0),
                Cycle("B-2", 150, index=71.0, weakest="financial", items=[(DONE, -30), (DONE, -2)]),
            ],
        ),
        "gamma": client_build(
            bank=default_bank,
            consultant=consultant,
            name="Gamma Studio",
            industry=industries.TECHNOLOGY,
            cycles=[
                Cycle("G-1", 10, index=88.0, weakest="market", items=[(TODO, -1)]),
                Cycle("G-2", None),
            ],
        ),
        "delta": client_build(
            bank=default_bank,
            consultant=consultant,
            name="Delta Shop",
            industry=industries.RETAIL,
            cycles=[],
        ),
    }
    client_build(
        bank=default_bank,
        consultant=consultant,
        name="Hidden Works",
        grant=False,
        cycles=[Cycle("H-1", 5, index=40.0)],
    )
    other = UserFactory(email="bob@rival.example")
    client_build(
        bank=default_bank,
        consultant=other,
        name="Rival Client",
        cycles=[Cycle("R-1", 5, index=20.0)],
    )
    return built


def rows_for(consultant, **query):
    today = timezone.localdate()
    queryset = portfolio_rows(user=consultant, query=PortfolioQuery(**query), stale_days=120)
    return [portfolio_row(organization, today=today) for organization in queryset]


def names(rows):
    return [row.name for row in rows]


def page_names(response):
    return re.findall(r'<a class="fw-semibold" href="[^"]+">([^<]+)</a>', response.content.decode())


def test_columns_of_a_hand_built_portfolio(consultant, clients):
    rows = {row.name: row for row in rows_for(consultant)}
    assert set(rows) == {"Alpha Bakery", "Beta Garage", "Gamma Studio", "Delta Shop"}

    alpha = rows["Alpha Bakery"]
    assert alpha.index == pytest.approx(62.4)
    assert alpha.band == "partially_aligned"
    assert alpha.change == 12  # 50 → 62: the difference of the whole points shown
    assert alpha.trend == "up"
    assert alpha.weakest == "Operational alignment"
    assert alpha.high_flags == 2
    assert (alpha.actions_done, alpha.actions_total, alpha.actions_overdue) == (1, 4, 1)
    assert alpha.report_status == "Report ready"
    assert alpha.days_since == 30
    assert alpha.stale is False
    assert alpha.reminded_at is None

    beta = rows["Beta Garage"]
    assert beta.change == -9
    assert beta.trend == "down"
    assert beta.weakest == "Financial alignment"
    assert (beta.actions_done, beta.actions_total, beta.actions_overdue) == (2, 2, 0)
    assert beta.days_since == 150
    assert beta.stale is True
    assert beta.reminded_at is not None

    gamma = rows["Gamma Studio"]
    assert gamma.band == "resonant"
    assert gamma.change is None
    assert gamma.latest_label == "G-1"
    assert gamma.report_status == "Cycle open"
    assert gamma.actions_overdue == 1
    assert gamma.days_since == 10

    delta = rows["Delta Shop"]
    assert delta.index is None
    assert delta.latest_id is None
    assert delta.report_status == "No cycle yet"
    assert delta.days_since is None
    assert delta.stale is True
    assert (delta.actions_done, delta.actions_total, delta.actions_overdue) == (0, 0, 0)


def test_page_shows_arrows_badges_and_marks(client, consultant, clients):
    client.force_login(consultant)
    html = client.get(URL).content.decode()
    rows = dict(re.findall(r'<tr data-client="(\d+)">(.*?)</tr>', html, flags=re.S))
    alpha = rows[str(clients["alpha"].pk)]
    beta = rows[str(clients["beta"].pk)]
    assert "▲ +12" in alpha
    assert "1 / 4" in alpha
    assert 'data-testid="stale"' not in alpha
    assert "▼ -9" in beta
    assert 'data-testid="stale"' in beta
    assert 'data-testid="reminded"' in beta
    assert 'data-testid="reminded"' not in alpha
    assert reverse("clients:dashboard", args=[clients["alpha"].pk]) in alpha
    assert "Hidden Works" not in html
    assert "Rival Client" not in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha Bakery", "Beta Garage", "Delta Shop", "Gamma Studio"]),
        ("-name", ["Gamma Studio", "Delta Shop", "Beta Garage", "Alpha Bakery"]),
        ("index", ["Alpha Bakery", "Beta Garage", "Gamma Studio", "Delta Shop"]),
        ("-index", ["Gamma Studio", "Beta Garage", "Alpha Bakery", "Delta Shop"]),
        ("change", ["Beta Garage", "Alpha Bakery", "Delta Shop", "Gamma Studio"]),
        ("-change", ["Alpha Bakery", "Beta Garage", "Delta Shop", "Gamma Studio"]),
        ("days", ["Gamma Studio", "Alpha Bakery", "Beta Garage", "Delta Shop"]),
        ("-days", ["Delta Shop", "Beta Garage", "Alpha Bakery", "Gamma Studio"]),
        ("-flags", ["Alpha Bakery", "Beta Garage", "Gamma Studio", "Delta Shop"]),
        ("-overdue", ["Alpha Bakery", "Gamma Studio", "Beta Garage", "Delta Shop"]),
    ],
)
def test_sort(client, consultant, clients, sort, expected):
    client.force_login(consultant)
    assert page_names(client.get(URL, {"sort": sort})) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"band": "aligned"}, ["Beta Garage"]),
        ({"band": "none"}, ["Delta Shop"]),
        ({"industry": "manufacturing"}, ["Beta Garage"]),
        ({"stale": "yes"}, ["Beta Garage", "Delta Shop"]),
        ({"stale": "no"}, ["Alpha Bakery", "Gamma Studio"]),
        ({"overdue": "yes"}, ["Alpha Bakery", "Gamma Studio"]),
        ({"overdue": "no"}, ["Beta Garage", "Delta Shop"]),
        ({"q": "gAr"}, ["Beta Garage"]),
        ({"q": "o", "stale": "no", "sort": "-index"}, ["Gamma Studio"]),
        ({"q": "works"}, []),
    ],
)
def test_filters_and_search(client, consultant, clients, params, expected):
    client.force_login(consultant)
    assert page_names(client.get(URL, params)) == expected


def test_a_bad_filter_value_is_reported_beside_the_field_and_ignored(client, consultant, clients):
    client.force_login(consultant)
    response = client.get(URL, {"band": "splendid", "sort": "index"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert page_names(response) == ["Alpha Bakery", "Beta Garage", "Gamma Studio", "Delta Shop"]


def test_pagination_keeps_sort_filters_and_search(client, consultant, default_bank):
    clients_seed(bank=default_bank, consultant=consultant, count=30, cycles=2, items=2)
    client.force_login(consultant)
    first = client.get(URL, {"sort": "-index", "q": "client"})
    html = first.content.decode()
    assert len(page_names(first)) == 25
    (next_link,) = re.findall(r'href="([^"]+)" rel="next"', html)
    assert "sort=-index" in next_link
    assert "q=client" in next_link
    assert "page=2" in next_link
    second = client.get(URL + next_link.replace("&amp;", "&"))
    assert len(page_names(second)) == 5
    assert not set(page_names(first)) & set(page_names(second))
    indices = [row.index for row in rows_for(consultant, sort="-index")]
    assert indices == sorted(indices, reverse=True)
    # Sort links start again at page 1 and keep the search.
    sort_link = re.search(r'href="(\?[^"]*sort=name[^"]*)"', second.content.decode()).group(1)
    assert "page=" not in sort_link
    assert "q=client" in sort_link


def test_no_clients_yet(client):
    client.force_login(UserFactory(email="new@advice.example"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "No business has granted you access yet" in response.content.decode()


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("count", [10, 200])
def test_constant_number_of_queries(
    client, consultant, default_bank, count, django_assert_max_num_queries
):
    clients_seed(bank=default_bank, consultant=consultant, count=count, cycles=3, items=4)
    # Every KPI of every cycle gets two readings; the newest reading of the first two items of
    # each plan is far below its baseline (behind), so each client has 2 KPIs behind.
    KpiReading.objects.bulk_create(
        KpiReading(action_item=item, measured_on=day, value=value)
        for item in ActionItem.objects.all()
        for day, value in (
            (item.start - timedelta(days=1), Decimal(item.baseline)),
            (item.start + timedelta(days=7), Decimal(-50 if item.position < 2 else item.target)),
        )
    )
    client.force_login(consultant)
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"sort": "-index"})
    assert len(page_names(response)) == min(count, 25)
    assert re.findall(r'data-col="kpis-behind">(.*?)</td>', response.content.decode())[0].endswith(
        ">2</a>"
    )
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"q": "client 00", "stale": "no", "sort": "overdue", "page": 1})
    assert response.status_code == 200
    with django_assert_max_num_queries(5):
        response = client.get(reverse("consultants:portfolio_export", args=["csv"]))
    assert len(response.content.decode().splitlines()) == count + 1
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["KPIs behind"] for row in table} == {"2"}


def test_csv_export_has_the_rows_with_filters_applied(client, consultant, clients):
    client.force_login(consultant)
    url = reverse("consultants:portfolio_export", args=["csv"])
    response = client.get(url, {"stale": "yes", "sort": "name"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["Client"] for row in table] == ["Beta Garage", "Delta Shop"]
    beta = table[0]
    assert beta["Alignment index"] == "71"
    assert beta["Band"] == "Aligned"
    assert beta["Change (points)"] == "-9"
    assert beta["Weakest dimension"] == "Financial alignment"
    assert beta["Actions done"] == "2"
    assert beta["Days since"] == "150"
    assert beta["Stale"] == "yes"
    assert beta["Reminder sent"] != ""
    assert table[1]["Alignment index"] == ""


def test_xlsx_export_matches_the_page(client, consultant, clients):
    client.force_login(consultant)
    response = client.get(
        reverse("consultants:portfolio_export", args=["xlsx"]), {"sort": "-index"}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Portfolio"]
    values = list(sheet.iter_rows(values_only=True))
    header, body = values[0], values[1:]
    assert header[:4] == ("Client", "Industry", "Latest scored cycle", "Alignment index")
    assert [row[0] for row in body] == ["Gamma Studio", "Beta Garage", "Alpha Bakery", "Delta Shop"]
    alpha = dict(zip(header, body[2], strict=True))
    assert alpha["Alignment index"] == 62  # whole points, as on the page
    assert alpha["Change (points)"] == 12
    assert alpha["High-severity flags"] == 2
    assert alpha["Actions overdue"] == 1
    assert alpha["Report status"] == "Report ready"


def test_unknown_export_format_is_404(client, consultant, clients):
    client.force_login(consultant)
    assert client.get(reverse("consultants:portfolio_export", args=["pdf"])).status_code == 404


def test_consultants_see_only_their_own_clients(client, consultant, clients):
    rival = UserFactory._meta.model.objects.get(email="bob@rival.example")
    client.force_login(rival)
    assert page_names(client.get(URL)) == ["Rival Client"]
    export = client.get(reverse("consultants:portfolio_export", args=["csv"])).content.decode()
    assert "Alpha" not in export
    assert "Rival Client" in export
    assert client.get(clients["alpha"].get_absolute_url()).status_code == 404
    client.force_login(consultant)
    rival_client = Organization.objects.get(name="Rival Client")
    assert client.get(rival_client.get_absolute_url()).status_code == 404
    hidden = Organization.objects.get(name="Hidden Works")
    assert client.get(hidden.get_absolute_url()).status_code == 404
