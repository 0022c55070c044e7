"""Bad input on the owner's forms: a clear message beside the field, nothing saved is lost."""

import pytest
from django.urls import reverse

from assessments.models import Assessment, Invitation
from organizations.models import Organization, StrategyProfile

pytestmark = pytest.mark.django_db


def _field_error(page, text: str) -> None:
    assert page.status_code == 200
    body = page.content.decode()
    assert text in body
    assert "invalid-feedback" in body or "errorlist" in body  # shown beside its field


def test_oversized_and_bad_organization_fields_are_refused(owner_client, organization):
    before = Organization.objects.count()
    page = owner_client.post(
        reverse("organizations:organization_create"),
        {
            "name": "N" * 500,
            "industry": "piracy",
            "size_band": "huge",
            "capacity_days_per_month": "lots",
        },
    )
    _field_error(page, "at most 120 characters")
    body = page.content.decode()
    assert "Select a valid choice" in body
    assert "Enter a number" in body
    assert Organization.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("segment", "s" * 500, "at most 120 characters"),
        ("target_customers", "t" * 5000, "at most 1000 characters"),
        ("goals", "g" * 9000, "at most 2000 characters"),
        ("value_discipline", "world_domination", "Select a valid choice"),
        ("primary_value", "", "This field is required"),
    ],
)
def test_a_bad_strategy_field_keeps_the_saved_strategy(
    owner_client, organization, field, value, message
):
    saved = StrategyProfile.objects.get(organization=organization).snapshot()
    data = {**saved, field: value}
    page = owner_client.post(reverse("organizations:strategy", args=[organization.pk]), data)
    _field_error(page, message)
    assert StrategyProfile.objects.get(organization=organization).snapshot() == saved


def test_a_cycle_label_too_long_is_refused(owner_client, organization, default_bank):
    page = owner_client.post(
        reverse("assessments:assessment_create", args=[organization.pk]), {"label": "L" * 41}
    )
    _field_error(page, "at most 40 characters")
    assert not Assessment.objects.exists()


def test_bad_invitation_addresses_are_named_and_nobody_is_invited(owner_client, assessment):
    page = owner_client.post(
        reverse("assessments:invitations", args=[assessment.pk]),
        {"staff": "ok@example.com, " + "x" * 300 + "@example.com, <script>@x"},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Not an e-mail address" in body
    assert "<script>@x" not in body  # named, escaped
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("code", ["nosuchstep", "market.customers", "x" * 300])
def test_an_unknown_step_code_is_a_404_page(owner_client, assessment, code):
    url = f"/app/assessments/{assessment.pk}/answer/{code}/"
    page = owner_client.get(url)
    assert page.status_code == 404
