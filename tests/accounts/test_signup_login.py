"""Sign up, verify the address, log in with it, log out, reset a forgotten password."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    """Return the path of the first link in a mail."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def sign_up(client, email: str, password: str = PASSWORD):
    return client.post(
        reverse("signup"), {"email": email, "password1": password, "password2": password}
    )


def test_signup_mails_a_link_and_the_link_leads_to_organization_setup(client):
    response = sign_up(client, "Ada@Example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get()
    assert user.username == user.email == "ada@example.com"
    assert "_auth_user_id" not in client.session  # not before the address is proved
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    page = client.get(link_in(message))
    assert page.status_code == 200  # the confirmation page asks for a click (a POST)
    confirmed = client.post(link_in(message))
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("organizations:organization_create")).status_code == 200


def test_an_unverified_account_cannot_log_in(client):
    sign_up(client, "ada@example.com")
    client.logout()
    mail.outbox.clear()
    cache.clear()  # past the cool-off between two verification mails
    response = client.post(reverse("login"), {"login": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert mail.outbox[0].to == ["ada@example.com"]  # a fresh link goes to the mailbox


def test_signup_with_a_taken_address_looks_like_any_signup(client):
    UserFactory(email="ada@example.com")
    response = sign_up(client, "ADA@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.count() == 1
    assert "already" not in client.get(response["Location"]).content.decode()


def test_login_with_email_is_case_and_unicode_insensitive(client):
    UserFactory(email="ada@example.com")
    response = client.post(reverse("login"), {"login": "ＡＤＡ@example.com ", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_wrong_password_shows_a_message(client):
    UserFactory(email="ada@example.com")
    response = client.post(reverse("login"), {"login": "ada@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode().lower()


def test_logout_needs_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code in {200, 302}
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_working_link(client):
    UserFactory(email="ada@example.com")
    client.post(reverse("password_reset"), {"email": "ada@example.com"})
    (message,) = mail.outbox
    response = client.get(link_in(message), follow=True)
    assert "new password" in response.content.decode().lower()
    new = "another long passphrase 42"
    response = client.post(response.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    logged_in = client.post(reverse("login"), {"login": "ada@example.com", "password": new})
    assert logged_in.status_code == 302  # the log-in form accepts the new password
    assert "_auth_user_id" in client.session


def test_account_pages_use_the_site_layout(client):
    for name in ("login", "signup", "password_reset"):
        html = client.get(reverse(name)).content.decode()
        assert "/static/bootstrap/css/bootstrap.min.css" in html, name
        assert 'class="navbar' in html, name


def test_pages_load_bootstrap_and_htmx_from_local_static_files(client):
    html = client.get(reverse("home")).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "cdn" not in html.lower()
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(src).status_code == 200, src
