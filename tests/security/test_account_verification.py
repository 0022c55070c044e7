"""Issue #20, items 1 and 10: access bound to an e-mail address goes only to whoever proves the
mailbox; one address, whatever its case or Unicode form; reset mails are limited; a new password
ends the API tokens; sign-up does not say whether an account exists; the admin needs MFA."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from knox.models import AuthToken

from consultants.models import ConsultantAccess
from consultants.selectors import consultant_grants_pending_for
from consultants.services import access as consultants
from organizations.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER_PASSWORD = "the attacker's own passphrase 1"


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def sign_up(client, email: str, password: str = ATTACKER_PASSWORD):
    return client.post(
        reverse("signup"), {"email": email, "password1": password, "password2": password}
    )


def grant(client, owner, organization, email: str) -> ConsultantAccess:
    client.force_login(owner)
    client.post(reverse("consultants:organization", args=[organization.pk]), {"email": email})
    client.logout()
    return ConsultantAccess.objects.get(organization=organization)


def test_a_sign_up_as_the_granted_address_gets_no_access_until_the_mailbox_confirms(
    client, owner, organization
):
    pending = grant(client, owner, organization, "consultant@firm.example")
    mail.outbox.clear()

    sign_up(client, "Consultant@Firm.example")
    stranger = get_user_model().objects.get(username="consultant@firm.example")
    # Not logged in, not able to log in, and the grant is not offered to the account.
    assert "_auth_user_id" not in client.session
    refused = client.post(
        reverse("login"), {"login": "Consultant@Firm.example", "password": ATTACKER_PASSWORD}
    )
    assert refused["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("consultants:invitations")).status_code == 302
    assert not consultant_grants_pending_for(user=stranger).exists()
    with pytest.raises(consultants.ConsultantAccessError):
        consultants.consultant_accept(grant_id=pending.pk, user=stranger)
    # A session made some other way (one from before verification existed) ends at once.
    client.force_login(stranger)
    assert client.get(reverse("consultants:invitations"))["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session
    # A guessed confirmation key verifies nothing.
    assert client.post("/accounts/confirm-email/not-the-key/").status_code in {302, 404}
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(user=stranger, verified=True).exists()

    # Only the mail's reader can verify: the link went to the granted mailbox.
    (message,) = [m for m in mail.outbox if "confirm-email" in m.body]
    assert message.to == ["consultant@firm.example"]
    owner_of_mailbox = client.__class__()
    assert owner_of_mailbox.post(link_in(message)).status_code == 302
    assert consultant_grants_pending_for(user=stranger).get() == pending


def test_unicode_and_case_variants_are_one_address():
    from organizations.addresses import normalize_email

    variants = [
        "consultant@firm.example",
        "Consultant@FIRM.example",
        "ｃｏｎｓｕｌｔａｎｔ@firm.example",
    ]
    assert {normalize_email(v) for v in variants} == {"consultant@firm.example"}


def test_a_unicode_variant_of_an_existing_address_makes_no_second_account(client):
    UserFactory(email="consultant@firm.example")
    sign_up(client, "consultant@firm.ｅｘａｍｐｌｅ")
    sign_up(client, "CONSULTANT@firm.example")
    assert get_user_model().objects.count() == 1


def test_a_grant_to_a_unicode_variant_is_stored_as_the_one_address(client, owner, organization):
    pending = grant(client, owner, organization, "Consultant@ＦＩＲＭ.example")
    assert pending.email == "consultant@firm.example"


def test_a_member_added_after_a_stranger_signed_up_with_the_address_stays_out_of_reach(
    client, owner, organization
):
    sign_up(client, "mia@firm.example")  # a stranger, before the owner adds Mia
    client.force_login(owner)
    client.post(
        reverse("organizations:members", args=[organization.pk]),
        {"email": "Mia@Firm.example", "role": "manager"},
    )
    client.logout()
    member = Membership.objects.get(organization=organization, role="manager").user
    # The stranger's password opens nothing: the address is not verified.
    client.post(reverse("login"), {"login": "mia@firm.example", "password": ATTACKER_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get(organization.get_absolute_url()).status_code == 302
    # Mia's mail holds a link to choose her password; using it proves her mailbox.
    (message,) = [m for m in mail.outbox if "added you to" in m.body]
    form_page = client.get(link_in(message), follow=True)
    mine = "mia's own long passphrase 7"
    client.post(form_page.redirect_chain[-1][0], {"password1": mine, "password2": mine})
    assert (
        client.post(
            reverse("login"), {"login": "mia@firm.example", "password": ATTACKER_PASSWORD}
        ).status_code
        == 200
    )
    assert (
        client.post(reverse("login"), {"login": "mia@firm.example", "password": mine}).status_code
        == 302
    )
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.get(organization.get_absolute_url()).status_code == 200


def test_thirty_password_resets_in_a_row_are_limited(client):
    UserFactory(email="ana@example.com")
    statuses = [
        client.post(reverse("password_reset"), {"email": "ana@example.com"}).status_code
        for _ in range(30)
    ]
    assert len(mail.outbox) <= 3
    assert statuses[-1] == 429


def _without_tokens(html: str, local_part: str) -> str:
    html = re.sub(r'CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(local_part, "X@")


def test_sign_up_does_not_tell_whether_an_account_exists(client):
    UserFactory(email="ana@example.com")
    taken = sign_up(client, "ana@example.com")
    client.logout()
    fresh = sign_up(client, "bo@example.com")
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    page_taken = _without_tokens(client.get(taken["Location"]).content.decode(), "ana@")
    page_fresh = _without_tokens(client.get(fresh["Location"]).content.decode(), "bo@")
    assert "already" not in page_taken
    assert page_taken == page_fresh
    # The owner of the taken address hears about it by mail, the stranger learns nothing.
    assert {tuple(m.to) for m in mail.outbox} == {("ana@example.com",), ("bo@example.com",)}


def test_api_tokens_are_revoked_when_the_password_changes(client):
    from api.tokens import api_token_create

    user = UserFactory(email="ana@example.com")
    api_token_create(user=user, days=30)
    api_token_create(user=user, days=30)
    client.force_login(user)
    new = "a brand new long passphrase 9"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
        follow=True,
    )
    assert response.status_code == 200
    assert not AuthToken.objects.filter(user=user).exists()
    assert "2 API tokens were revoked" in response.content.decode()


def test_api_tokens_are_revoked_when_the_password_is_reset(client):
    from api.tokens import api_token_create

    user = UserFactory(email="ana@example.com")
    api_token_create(user=user, days=30)
    client.post(reverse("password_reset"), {"email": "ana@example.com"})
    form_page = client.get(link_in(mail.outbox[-1]), follow=True)
    new = "a brand new long passphrase 9"
    client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert not AuthToken.objects.filter(user=user).exists()


def test_staff_without_a_second_factor_is_sent_to_set_one_up_before_the_admin(client):
    staff = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_admin_logs_in_through_the_account_pages(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_existing_users_must_verify_their_address_at_next_log_in(client):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="Old@Example.com", username="old@example.com", verified=False)
    migration = importlib.import_module("accounts.migrations.0001_existing_addresses_unverified")
    migration.add_unverified_addresses(apps, None)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified) == ("old@example.com", False)
    response = client.post(reverse("login"), {"login": "old@example.com", "password": PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")
