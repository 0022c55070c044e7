"""Languages: the browser's, the switcher's, the user's stored one, the organization's for its
reports and mails, and each invitation's for its respondent (DESIGN.md §12).

The locale files come later, so these tests check which language is active (the page's
`<html lang>`, Content-Language, `translation.get_language()`), not German words.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import Preferences
from assessments.models import Invitation
from organizations.models import Organization
from organizations.services import organization_create
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _lang(response) -> str:
    match = re.search(r'<html lang="([^"]*)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def _switch(client, language, next_url="/", **extra):
    return client.post(reverse("set_language"), {"language": language, "next": next_url}, **extra)


# --- The browser's language and the switcher ---------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("de", "de"), ("fr-CH,fr;q=0.9,en;q=0.5", "fr"), ("es-ES", "es"), ("it", "en"), ("", "en")],
)
def test_the_browsers_language_marks_the_page(client, accept, expected):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert _lang(response) == expected
    assert response["Content-Language"] == expected
    assert expected == response.wsgi_request.LANGUAGE_CODE


def test_every_page_offers_the_switcher_back_to_itself(owner_client, organization):
    page = owner_client.get(organization.get_absolute_url()).content.decode()
    form = re.search(r'<form[^>]*data-testid="language-switcher".*?</form>', page, re.S)
    assert form, "no language switcher on the page"
    html = form.group(0)
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="next" value="{organization.get_absolute_url()}"' in html
    assert '<label class="small text-body mb-0" for="language-switcher-select">' in html
    # Each language in its own name, marked with its own lang.
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in html
        assert name in html
    assert re.search(r'<option value="en" lang="en" selected>', html)


def test_the_switch_sets_the_cookie_and_comes_back(client):
    response = _switch(client, "fr", "/accounts/login/?next=/app/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/app/"
    assert response.cookies[COOKIE].value == "fr"
    # The choice wins over the browser's language.
    assert _lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")) == "fr"


@pytest.mark.parametrize("language", ["xx", "it", "", "DE", "de-at", "../../etc", "<script>"])
def test_a_language_the_site_does_not_speak_changes_nothing(client, owner, language):
    client.force_login(owner)
    response = _switch(client, language)
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    assert not Preferences.objects.filter(user=owner).exclude(language="").exists()
    assert _lang(client.get(reverse("tokens"))) == "en"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http:///x"]
)
def test_the_switch_never_sends_anyone_off_the_site(client, next_url):
    response = _switch(client, "de", next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[COOKIE].value == "de"


def test_the_switch_takes_posts_only(client):
    response = client.get(reverse("set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 405
    assert COOKIE not in response.cookies


def test_the_switch_needs_the_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = _switch(strict, "de")
    assert response.status_code == 403
    assert COOKIE not in response.cookies


# --- Kept on the user -----------------------------------------------------------------------


def test_a_logged_in_switch_is_stored_and_survives_logout_and_login(client):
    user = UserFactory(email="ada@example.com")
    client.post(reverse("login"), {"login": "ada@example.com", "password": PASSWORD})
    _switch(client, "de")
    assert Preferences.objects.get(user=user).language == "de"
    client.post(reverse("logout"))

    # Another browser, asking for French and without the cookie: the log-in brings German back.
    from django.test import Client

    other = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert _lang(other.get(reverse("login"))) == "fr"
    logged_in = other.post(reverse("login"), {"login": "ada@example.com", "password": PASSWORD})
    assert logged_in.status_code == 302
    assert logged_in.cookies[COOKIE].value == "de"
    home = other.get(reverse("tokens"))
    assert _lang(home) == "de"
    assert home["Content-Language"] == "de"


def test_the_stored_language_beats_the_browser_for_a_logged_in_user(client):
    user = UserFactory()
    Preferences.objects.create(user=user, language="es")
    client.force_login(user)  # no log-in signal with a request: the middleware reads it
    page = client.get(reverse("tokens"), HTTP_ACCEPT_LANGUAGE="de")
    assert _lang(page) == "es"


def test_without_a_stored_language_the_browser_decides(client):
    client.force_login(UserFactory())
    assert _lang(client.get(reverse("tokens"), HTTP_ACCEPT_LANGUAGE="fr")) == "fr"


def test_the_stored_language_is_read_once_per_session(client, django_assert_num_queries):
    user = UserFactory()
    Preferences.objects.create(user=user, language="de")
    client.force_login(user)
    client.get(reverse("tokens"))
    # The next page asks for the preference no more: it rides in the session.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("tokens"))
    assert not [q for q in queries.captured_queries if "accounts_preferences" in q["sql"]]


# --- The organization's language ------------------------------------------------------------


def test_a_new_organization_takes_its_owners_language(client):
    client.force_login(UserFactory())
    created = client.post(
        reverse("organizations:organization_create"),
        {
            "name": "Backstube",
            "industry": "food",
            "size_band": "micro",
            "capacity_days_per_month": "4",
        },
        HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9",
    )
    assert created.status_code == 302
    assert Organization.objects.get(name="Backstube").language == "de"


def test_the_owner_chooses_the_language_on_creation_and_in_the_settings(client):
    owner = UserFactory()
    client.force_login(owner)
    form_page = client.get(reverse("organizations:organization_create"), HTTP_ACCEPT_LANGUAGE="es")
    assert re.search(r'<option value="es"[^>]*selected', form_page.content.decode())
    client.post(
        reverse("organizations:organization_create"),
        {
            "name": "Boulangerie",
            "industry": "food",
            "size_band": "micro",
            "capacity_days_per_month": "4",
            "language": "fr",
        },
    )
    organization = Organization.objects.get(name="Boulangerie")
    assert organization.language == "fr"
    url = reverse("organizations:settings", args=[organization.pk])
    fields = {
        "name": "Boulangerie",
        "industry": "food",
        "size_band": "micro",
        "capacity_days_per_month": "4",
        "review_interval_days": "90",
        "time_zone": "Europe/Paris",
        "language": "es",
    }
    assert client.post(url, fields).status_code == 302
    organization.refresh_from_db()
    assert organization.language == "es"
    assert organization.history.first().language == "es"
    assert "Language of reports and e-mails" in client.get(url).content.decode()
    refused = client.post(url, {**fields, "language": "it"})
    assert refused.status_code == 200
    organization.refresh_from_db()
    assert organization.language == "es"


def test_the_service_defaults_to_the_active_language():
    with translation.override("fr"):
        organization = organization_create(
            owner=UserFactory(), name="Chez Nous", industry="food", size_band="micro"
        )
    assert organization.language == "fr"


def test_the_report_is_built_in_the_organizations_language(default_bank, media_root, monkeypatch):
    from reports import pdf
    from reports import services as report_services
    from tests.scenarios import answered_assessment, report_ready

    assessment = answered_assessment(default_bank)
    Organization.objects.filter(pk=assessment.organization_id).update(language="de")
    assessment.organization.refresh_from_db()
    seen: dict[str, object] = {}
    score = report_services.score_assessment

    def scoring(*args, **kwargs):
        seen.setdefault("score_language", kwargs.get("language"))
        return score(*args, **kwargs)

    def rendering(content, **kwargs):
        seen["active"] = translation.get_language()
        seen["html"] = pdf.report_pdf_html(content)
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr(report_services, "score_assessment", scoring)
    monkeypatch.setattr(pdf, "report_pdf", rendering)
    monkeypatch.setattr(pdf, "pdf_engine_problem", lambda: None)
    with translation.override("en"):
        report_ready(assessment)
        assert translation.get_language() == "en"  # restored after the build
    assert seen["score_language"] == "de"
    assert seen["active"] == "de"
    assert '<html lang="de">' in str(seen["html"])


# --- Each invitation's language -------------------------------------------------------------


def _invite(client, assessment, **extra):
    return client.post(
        reverse("assessments:invitations", args=[assessment.pk]),
        {"managers": "", "staff": "sam@example.com", **extra},
    )


def _token(message) -> str:
    return re.search(r"/respond/([A-Za-z0-9_-]{20,})/", message.body).group(1)


def test_the_invitation_carries_the_language_chosen_for_the_person(owner_client, assessment):
    Organization.objects.filter(pk=assessment.organization_id).update(language="de")
    assert _invite(owner_client, assessment, language="fr").status_code == 200
    invitation = Invitation.objects.get(email="sam@example.com")
    assert invitation.language == "fr"
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.message()["Content-Language"] == "fr"
    from django.test import Client

    respondent = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("assessments:respond", args=[_token(message)])
    assert _lang(respondent.get(url)) == "fr"
    # The respondent switches on the page: their choice wins from then on.
    switched = _switch(respondent, "es", url)
    assert switched["Location"] == url
    assert _lang(respondent.get(url)) == "es"


def test_without_a_choice_the_invitation_is_in_the_organizations_language(owner_client, assessment):
    Organization.objects.filter(pk=assessment.organization_id).update(language="de")
    _invite(owner_client, assessment)
    assert Invitation.objects.get(email="sam@example.com").language == ""
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "de"
    from django.test import Client

    page = Client(HTTP_ACCEPT_LANGUAGE="fr").get(
        reverse("assessments:respond", args=[_token(message)])
    )
    assert _lang(page) == "de"
    assert 'data-testid="language-switcher"' in page.content.decode()


def test_an_unknown_invitation_language_is_refused(owner_client, assessment):
    response = _invite(owner_client, assessment, language="tlh")
    assert response.status_code == 200
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_the_owners_page_stays_in_the_owners_language(owner_client, assessment):
    # The invitation's language is for the respondent; the owner's pages follow the owner.
    _invite(owner_client, assessment, language="fr")
    page = owner_client.get(
        reverse("assessments:invitations", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert _lang(page) == "es"


def test_the_admin_offers_the_switcher_too(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200
    assert _lang(page).startswith("de")
    html = page.content.decode()
    assert 'data-testid="language-switcher"' in html
    assert '<input type="hidden" name="next" value="/admin/">' in html
