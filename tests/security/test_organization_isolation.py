"""A user of organization A gets 404 on every page and endpoint of organization B."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from assessments.models import Answer, Assessment, Invitation
from assessments.services import cycles, invitations
from organizations.models import Level
from organizations.services import strategy_save
from reports.models import Report
from tests.accounts.factories import UserFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# Pages that belong to nobody in particular: the landing page, creating one's own organization,
# and the respondent pages, whose key is the token in the link, not a login.
UNSCOPED = {
    "home",
    "organization_create",
    "respond",
    "respond_save",
    "respond_save_batch",
    "respond_review",
    "respond_submit",
    "respond_step",
    "respond_thanks",
}


def app_patterns():
    """Return (namespace, pattern) for every page of organizations and their cycles."""
    resolver = get_resolver()
    return [
        (app.namespace, pattern)
        for app in resolver.url_patterns
        if getattr(app, "namespace", None) in ("organizations", "assessments")
        for pattern in app.url_patterns
        if isinstance(pattern, URLPattern)
    ]


@pytest.fixture
def organization_b(default_bank):
    owner = UserFactory(email="owner-b@example.com")
    organization = MembershipFactory(user=owner).organization
    strategy_save(
        organization=organization,
        target_customers="Tourists",
        segment="tourists",
        primary_value="service",
        value_discipline="customer_intimacy",
        goals="",
    )
    assessment = cycles.assessment_start(organization=organization, user=owner, label="B-1")
    invitations.invitations_create(
        assessment=assessment, entries=[("sam@b.example.com", Level.STAFF)], site_url="http://x/"
    )
    return organization


def urls_of(organization):
    """Return (name, url) for every scoped pattern, filled with the organization's ids."""
    assessment = organization.assessments.get()
    invitation = Invitation.objects.get(assessment=assessment)
    walked = []
    for namespace, pattern in app_patterns():
        if pattern.name in UNSCOPED:
            continue
        route = str(pattern.pattern)
        kwargs = {}
        if "<int:pk>" in route:
            kwargs["pk"] = organization.pk if route.startswith("organizations/") else assessment.pk
        if "<int:invitation_pk>" in route:
            kwargs["invitation_pk"] = invitation.pk
        if "<slug:code>" in route:
            kwargs["code"] = "market"
        assert set(pattern.pattern.converters) == set(kwargs), f"unhandled pattern {route}"
        walked.append((pattern.name, reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)))
    return walked


def test_the_walk_covers_every_pattern(organization_b):
    names = {p.name for _namespace, p in app_patterns()}
    walked = {name for name, _url in urls_of(organization_b)}
    assert walked | UNSCOPED == names
    assert len(walked) >= 14


@pytest.mark.parametrize("htmx", [False, True])
def test_owner_of_a_gets_404_everywhere_in_b(client, organization, owner, organization_b, htmx):
    client.force_login(owner)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assessment_b = organization_b.assessments.get()
    question = assessment_b.bank.dimensions.first().areas.first().questions.first()
    payload = {
        "question": question.pk,
        "current": "3",
        "label": "stolen",
        "email": "mole@example.com",
        "role": "owner",
        "staff": "mole@example.com",
        **dict.fromkeys(("target_customers", "segment"), "x"),
        "primary_value": "price",
        "value_discipline": "product_leadership",
    }
    for name, url in urls_of(organization_b):
        statuses = {
            client.get(url, **headers).status_code,
            client.post(url, payload, **headers).status_code,
        }
        # 405 (a method the view never takes) is answered before any lookup: it tells nothing.
        assert 404 in statuses, name
        assert statuses <= {404, 405}, f"{name}: {statuses}"
    assessment_b.refresh_from_db()
    assert assessment_b.status == Assessment.Status.OPEN
    assert not Answer.objects.exists()
    assert Invitation.objects.filter(assessment=assessment_b).count() == 1
    assert Assessment.objects.filter(label="stolen").count() == 0
    assert organization_b.strategy.value_discipline == "customer_intimacy"
    assert not Report.objects.exists()


def test_a_revoked_consultant_gets_404_too(client, organization_b):
    consultant = UserFactory()
    ConsultantAccessFactory(organization=organization_b, consultant=consultant, revoked=True)
    client.force_login(consultant)
    for name, url in urls_of(organization_b):
        assert {client.get(url).status_code, client.post(url).status_code} <= {404, 405}, name


OWNER_ONLY_HIDDEN = {"reopen", "delete"}


def test_an_active_consultant_reads_but_cannot_answer_or_manage(client, organization_b):
    consultant = UserFactory()
    ConsultantAccessFactory(organization=organization_b, consultant=consultant)
    client.force_login(consultant)
    readable = {"organization", "strategy", "members", "assessment", "report_status"}
    post_only = {
        "save",
        "save_batch",
        "submit",
        "invitation_resend",
        "invitation_revoke",
        "remind",
        "reopen",
    }
    for name, url in urls_of(organization_b):
        expected = 200 if name in readable else 405 if name in post_only else 403
        if name in OWNER_ONLY_HIDDEN and name not in post_only:
            expected = 404
        assert client.get(url).status_code == expected, name
        if name not in readable:
            # Reopening and deleting a cycle do not exist for anyone but an owner (404).
            refused = {404} if name in OWNER_ONLY_HIDDEN else {403, 405}
            assert client.post(url, {"current": "3"}).status_code in refused, name
    assert not Answer.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, organization_b):
    for name, url in urls_of(organization_b):
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
