"""The "API tokens" page: create a token (shown once, stored hashed), use it, revoke it."""

import re

import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.tokens import MAX_TOKENS_PER_USER, api_token_create
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"


@pytest.fixture
def user():
    return UserFactory(email="consultant@advice.example")


def _created_token(response) -> str:
    match = re.search(r"<code>(rsn_[0-9a-f]+)</code>", response.content.decode())
    assert match, "the new token is shown on the page"
    return match.group(1)


def test_the_page_needs_a_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_create_shows_the_token_once_and_stores_only_a_hash(client, user):
    client.force_login(user)
    response = client.post(PAGE, {"days": "90"})
    assert response.status_code == 200
    text = _created_token(response)
    assert "no-store" in response["Cache-Control"]
    [row] = AuthToken.objects.filter(user=user)
    assert text.startswith(row.token_key)
    assert row.digest != text
    assert text not in row.digest
    assert 89 <= (row.expiry - row.created).days <= 90
    # Reloading the page lists the token by its start, never its whole text again.
    page = client.get(PAGE).content.decode()
    assert row.token_key in page
    assert text not in page


def test_the_new_token_opens_the_api(client, user):
    client.force_login(user)
    text = _created_token(client.post(PAGE, {"days": "30"}))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    assert api.get("/api/organizations/").status_code == 200


def test_a_made_up_lifetime_gets_a_message(client, user):
    client.force_login(user)
    response = client.post(PAGE, {"days": "100000"})
    assert "Choose one of the offered lifetimes." in response.content.decode()
    assert not AuthToken.objects.filter(user=user).exists()


def test_the_number_of_tokens_is_bounded(client, user):
    for _ in range(MAX_TOKENS_PER_USER):
        api_token_create(user=user, days=30)
    client.force_login(user)
    response = client.post(PAGE, {"days": "30"})
    assert "Revoke one you no longer use first." in response.content.decode()
    assert AuthToken.objects.filter(user=user).count() == MAX_TOKENS_PER_USER


def test_revoke_stops_the_token(client, user):
    row, text = api_token_create(user=user, days=30)
    client.force_login(user)
    response = client.post(reverse("token_revoke", args=[row.token_key]), follow=True)
    assert "is revoked" in response.content.decode()
    assert not AuthToken.objects.filter(user=user).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    assert api.get("/api/organizations/").status_code == 401


def test_nobody_revokes_another_persons_token(client, user):
    row, _text = api_token_create(user=user, days=30)
    client.force_login(UserFactory(email="someone@else.example"))
    response = client.post(reverse("token_revoke", args=[row.token_key]))
    assert response.status_code == 404
    assert AuthToken.objects.filter(user=user).count() == 1


def test_revoking_needs_the_csrf_token(user):
    from django.test import Client

    row, _text = api_token_create(user=user, days=30)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("token_revoke", args=[row.token_key])).status_code == 403
    assert AuthToken.objects.filter(user=user).count() == 1


def test_session_writes_to_the_api_need_the_csrf_token(user):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)
    assert api.get("/api/organizations/").status_code == 200
    response = api.post("/api/cycles/1/rebuild/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_an_expired_token_no_longer_works(user):
    from datetime import timedelta

    from django.utils import timezone

    row, text = api_token_create(user=user, days=30)
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    assert api.get("/api/organizations/").status_code == 401


def test_the_nav_links_to_the_page(client, user):
    client.force_login(user)
    assert f'href="{PAGE}"' in client.get(PAGE).content.decode()
