"""The browser's words: static/js reads them from Django's JavaScript catalog."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_catalog_opens_without_an_account(client):
    response = client.get(reverse("javascript-catalog"))
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    body = response.content.decode()
    assert "django.gettext" in body
    assert "django.interpolate" in body


def test_every_page_loads_the_catalog_before_its_scripts(client):
    body = client.get(reverse("home")).content.decode()
    catalog = body.index(reverse("javascript-catalog"))
    assert catalog < body.index("htmx-2.min.js")
