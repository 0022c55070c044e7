"""Consultant access: grant by e-mail, accept or decline, revoke; every step logged."""

import re

import pytest
from django.core import mail
from django.urls import URLPattern, get_resolver, reverse

from assessments.models import Assessment
from consultants.models import ConsultantAccess
from consultants.services import access as consultants
from reports.models import ActionItem, Report
from reports.services import report_build, report_request
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory
from tests.scenarios import answered_assessment, owner_of

pytestmark = pytest.mark.django_db


def grant_via_page(client, owner, organization, email):
    client.force_login(owner)
    return client.post(
        reverse("consultants:organization", args=[organization.pk]), {"email": email}
    )


def test_owner_grants_access_by_email_and_the_consultant_is_mailed(client, owner, organization):
    response = grant_via_page(client, owner, organization, " Ada@Advice.example ")
    assert response.status_code == 302
    grant = ConsultantAccess.objects.get(organization=organization)
    assert grant.email == "ada@advice.example"
    assert grant.granted_by == owner
    assert grant.accepted_at is None
    assert grant.consultant is None
    assert consultants.grant_status(grant) == "pending"
    (message,) = mail.outbox
    assert message.to == ["ada@advice.example"]
    assert "http://testserver" + reverse("consultants:invitations") in message.body
    assert "Crumb & Co" in message.subject


def test_a_pending_grant_gives_no_access(client, owner, organization, consultant):
    grant_via_page(client, owner, organization, consultant.email)
    client.force_login(consultant)
    assert client.get(organization.get_absolute_url()).status_code == 404


def test_granting_the_same_address_twice_is_refused_beside_the_field(client, owner, organization):
    grant_via_page(client, owner, organization, "ada@advice.example")
    response = grant_via_page(client, owner, organization, "ADA@advice.example")
    assert response.status_code == 200
    assert "has been granted access already" in response.content.decode()
    assert ConsultantAccess.objects.filter(organization=organization).count() == 1


def test_a_bad_address_gets_a_message_not_an_error(client, owner, organization):
    response = grant_via_page(client, owner, organization, "not-an-address")
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert not ConsultantAccess.objects.exists()


def test_consultant_accepts_and_then_sees_the_organization(client, owner, organization, consultant):
    grant_via_page(client, owner, organization, consultant.email)
    grant = ConsultantAccess.objects.get()
    client.force_login(consultant)
    page = client.get(reverse("consultants:invitations")).content.decode()
    assert "Crumb &amp; Co" in page
    response = client.post(reverse("consultants:accept", args=[grant.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("consultants:portfolio")
    grant.refresh_from_db()
    assert grant.consultant == consultant
    assert grant.accepted_at is not None
    assert client.get(organization.get_absolute_url()).status_code == 200
    assert "Crumb &amp; Co" in client.get(reverse("consultants:portfolio")).content.decode()


def test_accept_is_post_only(client, owner, organization, consultant):
    grant_via_page(client, owner, organization, consultant.email)
    client.force_login(consultant)
    grant = ConsultantAccess.objects.get()
    assert client.get(reverse("consultants:accept", args=[grant.pk])).status_code == 405
    grant.refresh_from_db()
    assert grant.accepted_at is None


def test_someone_with_another_email_cannot_accept(client, owner, organization, consultant):
    grant_via_page(client, owner, organization, consultant.email)
    grant = ConsultantAccess.objects.get()
    intruder = UserFactory(email="eve@elsewhere.example")
    client.force_login(intruder)
    assert "Crumb" not in client.get(reverse("consultants:invitations")).content.decode()
    assert client.post(reverse("consultants:accept", args=[grant.pk])).status_code == 404
    assert client.post(reverse("consultants:decline", args=[grant.pk])).status_code == 404
    with pytest.raises(consultants.ConsultantAccessError):
        consultants.consultant_accept(grant_id=grant.pk, user=intruder)
    grant.refresh_from_db()
    assert grant.accepted_at is None
    assert grant.revoked_at is None
    assert client.get(organization.get_absolute_url()).status_code == 404


def test_consultant_declines(client, owner, organization, consultant):
    grant_via_page(client, owner, organization, consultant.email)
    grant = ConsultantAccess.objects.get()
    client.force_login(consultant)
    client.post(reverse("consultants:decline", args=[grant.pk]))
    grant.refresh_from_db()
    assert consultants.grant_status(grant) == "declined"
    assert client.get(organization.get_absolute_url()).status_code == 404
    # A declined grant cannot be accepted afterwards.
    assert client.post(reverse("consultants:accept", args=[grant.pk])).status_code == 404
    client.force_login(owner)
    page = client.get(reverse("consultants:organization", args=[organization.pk])).content
    assert b"Declined" in page


def test_new_consultant_signs_up_with_the_address_and_sees_the_pending_grant(
    client, owner, organization
):
    grant_via_page(client, owner, organization, "newbie@advice.example")
    client.logout()
    response = client.post(
        reverse("signup"),
        {
            "email": "newbie@advice.example",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
    )
    assert response.status_code == 302
    # The mailed link proves the address; confirming it logs the consultant in.
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    assert client.post(link).status_code == 302
    portfolio = client.get(reverse("consultants:portfolio")).content.decode()
    assert "1 invitation from a business waits for your answer" in portfolio
    page = client.get(reverse("consultants:invitations")).content.decode()
    assert "Crumb &amp; Co" in page


def test_owner_revokes_and_every_step_is_in_the_log(client, owner, organization, consultant):
    grant_via_page(client, owner, organization, consultant.email)
    grant = ConsultantAccess.objects.get()
    consultants.consultant_accept(grant_id=grant.pk, user=consultant)
    client.force_login(owner)
    response = client.post(reverse("consultants:revoke", args=[organization.pk, grant.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert consultants.grant_status(grant) == "revoked"
    log = list(grant.history.order_by("history_date", "history_id"))
    assert [(e.history_change_reason, e.history_user) for e in log] == [
        ("granted", owner),
        ("accepted", consultant),
        ("revoked", owner),
    ]
    page = client.get(reverse("consultants:organization", args=[organization.pk])).content.decode()
    assert "revoked" in page
    assert "accepted" in page
    client.force_login(consultant)
    assert client.get(organization.get_absolute_url()).status_code == 404


def test_revoke_is_post_only_and_owner_only(client, owner, organization, consultant):
    grant_via_page(client, owner, organization, consultant.email)
    grant = ConsultantAccess.objects.get()
    consultants.consultant_accept(grant_id=grant.pk, user=consultant)
    url = reverse("consultants:revoke", args=[organization.pk, grant.pk])
    assert client.get(url).status_code == 405
    manager = UserFactory(email="manager@bakery.example")
    MembershipFactory(user=manager, organization=organization, role="manager")
    client.force_login(manager)
    assert client.post(url).status_code == 403
    assert (
        client.get(reverse("consultants:organization", args=[organization.pk])).status_code == 403
    )
    client.force_login(consultant)
    assert client.post(url).status_code == 403
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_owner_of_another_organization_cannot_see_or_revoke(
    client, owner, organization, consultant
):
    grant_via_page(client, owner, organization, consultant.email)
    grant = ConsultantAccess.objects.get()
    other_owner = UserFactory(email="owner@garage.example")
    other = MembershipFactory(user=other_owner).organization
    client.force_login(other_owner)
    assert (
        client.get(reverse("consultants:organization", args=[organization.pk])).status_code == 404
    )
    assert (
        client.post(reverse("consultants:revoke", args=[organization.pk, grant.pk])).status_code
        == 404
    )
    # Their own organization's URL with a grant id of someone else's organization: also 404.
    assert client.post(reverse("consultants:revoke", args=[other.pk, grant.pk])).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_a_consultant_is_reinvited_after_a_revocation(client, owner, organization, consultant):
    grant_via_page(client, owner, organization, consultant.email)
    first = ConsultantAccess.objects.get()
    consultants.consultant_revoke(organization=organization, grant_id=first.pk, revoked_by=owner)
    grant_via_page(client, owner, organization, consultant.email)
    assert ConsultantAccess.objects.filter(organization=organization).count() == 2


def test_organization_page_links_the_consultants_page_for_owners_only(
    client, owner, organization, consultant
):
    url = reverse("consultants:organization", args=[organization.pk])
    client.force_login(owner)
    assert url in client.get(organization.get_absolute_url()).content.decode()
    grant, _ = consultants.consultant_grant(
        organization=organization, email=consultant.email, granted_by=owner, site_url="http://x/"
    )
    consultants.consultant_accept(grant_id=grant.pk, user=consultant)
    client.force_login(consultant)
    assert url not in client.get(organization.get_absolute_url()).content.decode()


# --- Revoked means 404 everywhere -------------------------------------------------------------


def scoped_urls(assessment: Assessment) -> list[str]:
    """Return every URL of the organization's pages, reports, PDFs and exports, ids filled in."""
    organization = assessment.organization
    item = ActionItem.objects.filter(assessment=assessment).first()
    ids = {"organizations/": organization.pk, "clients/": organization.pk}
    urls = []
    for namespace in ("assessments", "reports"):
        (app,) = [
            p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == namespace
        ]
        for pattern in app.url_patterns:
            if not isinstance(pattern, URLPattern):
                continue
            route = str(pattern.pattern)
            converters = set(pattern.pattern.converters)
            kwargs = {}
            if not converters:
                continue  # the user's own home and forms, not an organization's
            if converters == {"pk"}:
                if route.startswith("assessments/"):
                    kwargs["pk"] = assessment.pk
                elif route.startswith("actions/") and item is not None:
                    kwargs["pk"] = item.pk
                else:
                    kwargs["pk"] = next(
                        (pk for prefix, pk in ids.items() if route.startswith(prefix)), None
                    )
                if kwargs["pk"] is None:
                    continue
            elif converters == {"pk", "code"}:
                kwargs = {"pk": assessment.pk, "code": "market"}
            else:
                continue  # respondent tokens and invitation ids: not the consultant's way in
            urls.append(reverse(f"{namespace}:{pattern.name}", kwargs=kwargs))
    return urls


def test_revoked_consultant_gets_404_on_every_page_including_the_pdf(client, default_bank):
    assessment = answered_assessment(default_bank)
    report = report_build(report_id=report_request(assessment=assessment, enqueue=False).pk)
    assert report.status == Report.Status.READY, report.error
    owner = owner_of(assessment)
    consultant = UserFactory(email="ada@advice.example")
    grant, _ = consultants.consultant_grant(
        organization=assessment.organization,
        email=consultant.email,
        granted_by=owner,
        site_url="http://x/",
    )
    consultants.consultant_accept(grant_id=grant.pk, user=consultant)
    client.force_login(consultant)
    pdf_url = reverse("reports:pdf", args=[assessment.pk])
    assert client.get(pdf_url).status_code == 200
    assert client.get(reverse("reports:report", args=[assessment.pk])).status_code == 200

    consultants.consultant_revoke(
        organization=assessment.organization, grant_id=grant.pk, revoked_by=owner
    )
    urls = scoped_urls(assessment)
    assert pdf_url in urls
    assert len(urls) >= 15
    for url in urls:
        status = client.get(url).status_code
        if status == 405:
            status = client.post(url).status_code
        assert status == 404, url
    assert "Crumb" not in client.get(reverse("consultants:portfolio")).content.decode()


def test_only_consultants_see_the_portfolio_in_the_navigation(
    client, owner, organization, consultant
):
    link = f'href="{reverse("consultants:portfolio")}"'
    client.force_login(owner)
    assert link not in client.get(organization.get_absolute_url()).content.decode()
    client.force_login(consultant)
    assert link not in client.get(reverse("tokens")).content.decode()
    consultants.consultant_grant(
        organization=organization, email=consultant.email, granted_by=owner, site_url=""
    )
    # Offered a client: the link leads to the banner that waits for an answer.
    assert link in client.get(reverse("tokens")).content.decode()
