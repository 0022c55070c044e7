"""Sign up, log in with the e-mail address, log out, reset a forgotten password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_logs_in_and_leads_to_organization_setup(client):
    response = client.post(
        reverse("signup"),
        {"email": "Ada@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:organization_create")
    user = get_user_model().objects.get()
    assert user.username == user.email == "ada@example.com"
    assert client.get(reverse("organizations:organization_create")).status_code == 200


def test_signup_rejects_a_taken_address_beside_the_field(client):
    UserFactory(email="ada@example.com")
    response = client.post(
        reverse("signup"),
        {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_login_with_email_is_case_insensitive(client):
    UserFactory(email="ada@example.com")
    response = client.post(reverse("login"), {"username": "ADA@example.com ", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_wrong_password_shows_a_message(client):
    UserFactory(email="ada@example.com")
    response = client.post(reverse("login"), {"username": "ada@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode().lower()


def test_logout_needs_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code in {200, 302}
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_working_link(client):
    UserFactory(email="ada@example.com")
    client.post(reverse("password_reset"), {"email": "ada@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    new = "another long passphrase 42"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    logged_in = client.post(reverse("login"), {"username": "ada@example.com", "password": new})
    assert logged_in.status_code == 302  # the log-in form accepts the new password


def test_pages_load_bootstrap_and_htmx_from_local_static_files(client):
    html = client.get(reverse("home")).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "cdn" not in html.lower()
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(src).status_code == 200, src
