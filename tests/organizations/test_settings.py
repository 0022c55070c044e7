"""The organization settings page: owners change what they set up, and the history keeps it."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from organizations.models import Membership, Organization
from organizations.selectors import organization_settings_history
from organizations.services import organization_update
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Crumb & Co",
    "industry": Organization.Industry.RETAIL,
    "size_band": Organization.SizeBand.SMALL,
    "capacity_days_per_month": "6.5",
    "review_interval_days": "60",
    "time_zone": "America/New_York",
}


@pytest.fixture
def owner():
    return MembershipFactory(role=Membership.Role.OWNER)


def _url(organization):
    return reverse("organizations:settings", args=[organization.pk])


def test_owner_changes_every_setting_and_the_history_names_them(client, owner):
    organization = owner.organization
    client.force_login(owner.user)
    response = client.post(_url(organization), VALID)
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Crumb & Co"
    assert organization.industry == "retail"
    assert organization.size_band == "small"
    assert organization.capacity_days_per_month == Decimal("6.5")
    assert organization.review_interval_days == 60

    [entry] = organization_settings_history(organization=organization)
    assert entry.user == owner.user
    changed = {change.label: (change.old, change.new) for change in entry.changes}
    assert changed["Capacity (person-days a month)"] == ("8", "6.5")
    assert changed["Reassess every … days"] == ("90", "60")
    assert changed["Industry"] == ("Food and drink", "Retail")
    assert changed["Time zone"] == ("UTC", "America/New_York")
    assert organization.time_zone == "America/New_York"

    page = client.get(_url(organization)).content.decode()
    assert "6.5" in page
    assert owner.user.email in page


def test_the_organization_page_links_to_the_settings_and_shows_the_interval(client, owner):
    client.force_login(owner.user)
    page = client.get(owner.organization.get_absolute_url()).content.decode()
    assert _url(owner.organization) in page
    assert "reassess every 90 days" in page


def test_an_unchanged_form_writes_no_history(owner):
    organization = owner.organization
    before = organization.history.count()
    changed = organization_update(
        organization=organization,
        user=owner.user,
        name=organization.name,
        capacity_days_per_month=Decimal("8.0"),
    )
    assert changed == []
    assert organization.history.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity_days_per_month", "0", "Enter at least half a person-day (0.5) a month."),
        ("capacity_days_per_month", "lots", "Enter a number of person-days, for example 4 or 2.5."),
        ("capacity_days_per_month", "2.25", "Use at most one decimal, for example 2.5."),
        ("review_interval_days", "3", "Reassess at most once a week: enter 7 days or more."),
        (
            "review_interval_days",
            "9999",
            "Reassess at least every two years: enter 730 days or fewer.",
        ),
        ("name", "   ", "Give the organization a name."),
        ("industry", "mining", "Select a valid choice."),
        ("time_zone", "Mars/Olympus_Mons", "is not a time zone we know"),
    ],
)
def test_bad_input_is_refused_beside_its_field(client, owner, field, value, message):
    client.force_login(owner.user)
    response = client.post(_url(owner.organization), {**VALID, field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}"' in page
    assert "is-invalid" in page
    assert message in page
    owner.organization.refresh_from_db()
    assert owner.organization.name != "Crumb & Co"  # nothing was saved


def test_an_outsider_gets_404(client, owner):
    client.force_login(UserFactory())
    assert client.get(_url(owner.organization)).status_code == 404
    assert client.post(_url(owner.organization), VALID).status_code == 404
    owner.organization.refresh_from_db()
    assert owner.organization.name != "Crumb & Co"


def test_a_manager_may_not_change_the_settings(client, owner):
    manager = MembershipFactory(organization=owner.organization, role=Membership.Role.MANAGER)
    client.force_login(manager.user)
    assert client.get(_url(owner.organization)).status_code == 403
    assert client.post(_url(owner.organization), VALID).status_code == 403
    owner.organization.refresh_from_db()
    assert owner.organization.name != "Crumb & Co"


def test_a_post_without_csrf_token_is_refused(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)
    response = client.post(_url(owner.organization), VALID)
    assert response.status_code == 403
    owner.organization.refresh_from_db()
    assert owner.organization.name != "Crumb & Co"


def test_another_organizations_settings_stay_out_of_the_history(client, owner):
    other = OrganizationFactory(name="Elsewhere")
    organization_update(organization=other, user=UserFactory(), name="Elsewhere Ltd")
    assert organization_settings_history(organization=owner.organization) == []
