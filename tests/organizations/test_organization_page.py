"""The organization page shows the measured index and the one projected from done actions."""

import pytest
from django.urls import reverse

from demo.services import DEMO_ORGANIZATION, demo_seed
from organizations.models import Organization
from reports.models import ActionItem
from reports.services import assessment_projected_index

pytestmark = pytest.mark.django_db


def test_projected_index_rises_as_actions_are_done(default_bank, client):
    demo_seed()
    organization = Organization.objects.get(name=DEMO_ORGANIZATION)
    client.force_login(organization.memberships.get().user)
    url = reverse("organizations:organization", args=[organization.pk])
    latest = organization.assessments.order_by("-created_at").first()
    measured = latest.report.alignment_index

    page = client.get(url).content.decode()
    assert "Actions done" in page
    assert "0 / 8" in page

    first = latest.action_items.order_by("position").first()
    ActionItem.objects.filter(pk=first.pk).update(status=ActionItem.Status.DONE)
    projected = assessment_projected_index(assessment=latest)
    assert projected > measured
    page = client.get(url).content.decode()
    assert "1 / 8" in page
    assert f'data-testid="projected-index">{round(projected)}<' in page
