"""Accounts in a real browser: sign up → the mailed link → confirm → set up an authenticator app
→ log out → log in again with its code. Screenshots at desktop and phone widths."""

import re
import time

import pyotp
import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.e2e.journey import give_totp_code, shot, verification_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "nadia@kiln.example"
PASSWORD = "glaze the pots at noon 2026"
WIDTHS = {"desktop": 1280, "phone": 390}


def shots(page: Page, folder, name: str) -> None:
    """Screenshot the page at each width, then return to the desktop width."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, folder, f"account-{name}-{label}")
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def test_sign_up_verify_set_up_totp_and_log_in_with_it(page: Page, live_server, artifacts_dir):
    base = live_server.url
    page.set_default_timeout(30_000)  # the shared 2-core machine is slow to serve the first page
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})

    page.goto(f"{base}/accounts/signup/")
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    shots(page, artifacts_dir, "01-signup")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name=re.compile("Verify your email", re.I))).to_be_visible()
    shots(page, artifacts_dir, "02-verification-sent")
    assert not EmailAddress.objects.get(email=EMAIL).verified

    # The owner of the mailbox opens the link and confirms.
    page.goto(base + verification_link(EMAIL))
    shots(page, artifacts_dir, "03-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Tell us about your organization")).to_be_visible()
    assert EmailAddress.objects.get(email=EMAIL).verified

    # Two-factor log-in, offered from the navigation to everyone.
    page.get_by_role("link", name="Two-factor log-in").click()
    shots(page, artifacts_dir, "04-mfa-index")
    page.get_by_role("link", name="Activate").click()
    # A log-in by the mailed link is no password: allauth asks for it before a security change.
    if "/reauthenticate/" in page.url:
        shots(page, artifacts_dir, "05a-reauthenticate")
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    shots(page, artifacts_dir, "05-totp-activate")
    page.locator("#id_code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text(re.compile("recovery codes", re.I)).first).to_be_visible()
    shots(page, artifacts_dir, "06-recovery-codes")
    activated_in = pyotp.TOTP(secret).timecode(time.time())

    page.get_by_role("button", name="Log out").click()
    # A code counts once: wait for the app's next code before logging in again.
    while pyotp.TOTP(secret).timecode(time.time()) == activated_in:
        time.sleep(1)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    shots(page, artifacts_dir, "07-totp-code")
    give_totp_code(page, secret)
    expect(page.get_by_role("heading", name="Tell us about your organization")).to_be_visible()
    user = get_user_model().objects.get(username=EMAIL)
    assert user.authenticator_set.filter(type="totp").exists()
