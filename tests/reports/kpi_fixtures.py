"""A scored plan of three actions with KPIs, and the people around it, built without the engine."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from organizations.models import Membership, Organization
from reports.models import ActionItem
from tests.accounts.factories import UserFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory
from tests.reports.factories import ActionItemFactory, ReportFactory


@dataclass
class KpiPlan:
    organization: Organization
    items: list[ActionItem]
    owner: object
    assignee: object
    manager: object
    consultant: object
    outsider: object


def kpi_plan() -> KpiPlan:
    """Return an organization whose latest scored plan has three actions started 30 days ago.

    The first action is assigned to a manager by e-mail address; no action has a baseline yet.
    """
    report = ReportFactory(alignment_index=64.0)
    organization = report.assessment.organization
    today = timezone.localdate()
    owner = MembershipFactory(organization=organization, user=UserFactory(email="own@kpi.example"))
    assignee = MembershipFactory(
        organization=organization,
        role=Membership.Role.MANAGER,
        user=UserFactory(email="mia@kpi.example"),
    )
    manager = MembershipFactory(
        organization=organization,
        role=Membership.Role.MANAGER,
        user=UserFactory(email="max@kpi.example"),
    )
    consultant = ConsultantAccessFactory(organization=organization).consultant
    outsider = MembershipFactory(user=UserFactory(email="nosy@elsewhere.example")).user
    items = [
        ActionItemFactory(
            assessment=report.assessment,
            position=n,
            baseline=None,
            target=target,
            kpi_direction=direction,
            start=today - timedelta(days=30),
            due=today + timedelta(days=30),
            assignee="Mia@kpi.example" if n == 0 else "",
        )
        for n, (target, direction) in enumerate([(20.0, "up"), (5.0, "down"), (100.0, "up")])
    ]
    return KpiPlan(
        organization=organization,
        items=items,
        owner=owner.user,
        assignee=assignee.user,
        manager=manager.user,
        consultant=consultant,
        outsider=outsider,
    )
