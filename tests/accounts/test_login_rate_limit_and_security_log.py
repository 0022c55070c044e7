"""Log-in rate limit, the lock-out page, and the security log of log-ins and refused requests."""

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import PASSWORD, UserFactory
from tests.assessments.factories import InvitationFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SECURITY = "resonance.security"


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == SECURITY]


def log_in(client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        reverse("login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_a_successful_login_is_logged_with_email_and_address(client, caplog):
    UserFactory(email="ana@example.com")
    caplog.set_level(logging.INFO, logger=SECURITY)
    response = log_in(client, "ana@example.com", PASSWORD)
    assert response.status_code == 302
    (line,) = [m for m in security_lines(caplog) if "login succeeded" in m]
    assert "email=ana@example.com" in line
    assert "address=203.0.113.7" in line


def test_a_failed_login_is_logged_without_the_password(client, caplog):
    UserFactory(email="ana@example.com")
    caplog.set_level(logging.INFO, logger=SECURITY)
    response = log_in(client, "ana@example.com", "hunter2-wrong-guess")
    assert response.status_code == 200  # the form again, with its error
    lines = security_lines(caplog)
    assert any("login failed email=ana@example.com address=203.0.113.7" in m for m in lines)
    assert not any("hunter2" in r.getMessage() for r in caplog.records)
    assert "hunter2" not in caplog.text


def test_a_login_name_cannot_forge_a_second_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    log_in(client, "x@example.com\nlogin succeeded email=admin@example.com", "nope")
    assert all("\n" not in m for m in security_lines(caplog))


def test_ten_failures_lock_the_account_from_that_address_with_a_clear_message(client, caplog):
    UserFactory(email="ana@example.com")
    for _ in range(10):
        assert log_in(client, "ana@example.com", "wrong").status_code == 200
    caplog.set_level(logging.INFO, logger=SECURITY)
    # Even the right password is refused during the cool-off.
    response = log_in(client, "ana@example.com", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("login locked out email=ana@example.com" in m for m in security_lines(caplog))


def test_a_lockout_does_not_reach_the_same_user_from_another_address(client):
    UserFactory(email="ana@example.com")
    for _ in range(11):
        log_in(client, "ana@example.com", "wrong", address="198.51.100.66")
    assert log_in(client, "ana@example.com", PASSWORD, "198.51.100.66").status_code == 429
    # The real user, at home, still gets in: an attacker cannot lock her out everywhere.
    assert log_in(client, "ana@example.com", PASSWORD, address="203.0.113.7").status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client):
    for n in range(30):
        log_in(client, f"guess{n}@example.com", "wrong", address="198.51.100.66")
    UserFactory(email="ana@example.com")
    assert log_in(client, "ana@example.com", PASSWORD, "198.51.100.66").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, monkeypatch):
    import time

    UserFactory(email="ana@example.com")
    for _ in range(10):
        log_in(client, "ana@example.com", "wrong")
    assert log_in(client, "ana@example.com", PASSWORD).status_code == 429
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert log_in(client, "ana@example.com", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_does_not_dodge_the_lockout(client, settings):
    """Behind one proxy, the client is the last X-Forwarded-For entry; what it wrote is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="ana@example.com")
    for n in range(10):
        client.post(
            reverse("login"),
            {"login": "ana@example.com", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    response = client.post(
        reverse("login"),
        {"login": "ana@example.com", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7",
    )
    assert response.status_code == 429


def test_refused_pages_are_logged_for_a_logged_in_user(client, caplog):
    other = MembershipFactory(organization__name="Victim Ltd").organization
    user = UserFactory(email="mole@example.com")
    client.force_login(user)
    caplog.set_level(logging.INFO, logger=SECURITY)
    url = reverse("organizations:organization", args=[other.pk])
    assert client.get(url).status_code == 404
    (line,) = [m for m in security_lines(caplog) if m.startswith("refused")]
    assert f"refused status=404 method=GET path={url} user=mole@example.com" in line


def test_refused_app_pages_are_logged_for_anonymous_visitors(client, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    url = reverse("assessments:respond", args=["not-a-real-token"])
    assert client.get(url, REMOTE_ADDR="192.0.2.9").status_code == 404
    (line,) = security_lines(caplog)
    assert "refused status=404" in line
    assert "user=anonymous address=192.0.2.9" in line


def test_a_forbidden_action_is_logged(client, caplog):

    organization = MembershipFactory().organization
    consultant = UserFactory(email="consult@example.com")
    ConsultantAccessFactory(organization=organization, consultant=consultant)
    client.force_login(consultant)
    caplog.set_level(logging.INFO, logger=SECURITY)
    url = reverse("assessments:assessment_create", args=[organization.pk])
    assert client.get(url).status_code == 403
    assert any(
        "refused status=403" in m and "consult@example.com" in m for m in security_lines(caplog)
    )


def test_ordinary_pages_log_nothing(client, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    assert security_lines(caplog) == []


def test_a_gone_respondent_link_is_logged(client, caplog, assessment):
    InvitationFactory(
        assessment=assessment,
        email="sam@example.com",
        token="an-expired-link-token-000000000000000",
        expires_at=timezone.now(),
    )
    caplog.set_level(logging.INFO, logger=SECURITY)
    url = reverse("assessments:respond", args=["an-expired-link-token-000000000000000"])
    assert client.get(url).status_code == 410
    (line,) = security_lines(caplog)
    assert line.startswith("refused status=410 method=GET")
