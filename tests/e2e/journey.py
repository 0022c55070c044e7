"""Drive the site like a person does: log in, answer the questionnaire, take screenshots."""

import re

from playwright.sync_api import Page, expect

SCALE = ("1", "2", "3", "4", "5", "dk")


def question_ids(page: Page) -> list[int]:
    """Return the question ids of the step on screen, in order."""
    ids = page.locator("form.question").evaluate_all("forms => forms.map(f => f.id)")
    return [int(value.removeprefix("q-")) for value in ids]


def is_batch(response) -> bool:
    """Whether a reply is the questionnaire's batch save (static/js/wizard.js)."""
    return response.request.method == "POST" and response.url.endswith("/batch/")


def answer(page: Page, question_id: int, value: str, *, comment: str | None = None) -> None:
    """Pick a point of the scale (clicking its label, as people do) and wait for "Saved".

    The page sends changes in batches: "Saved" appears only once the server confirmed this
    question's latest change.
    """
    pick(page, question_id, value)
    expect(page.locator(f"#fb-{question_id}")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"))
    if comment is not None:
        # Typing saves after a short pause, without leaving the field.
        page.locator(f"#q{question_id}-comment").fill(comment)
        expect(page.locator(f"#fb-{question_id}")).to_contain_text("Saved")


def pick(page: Page, question_id: int, value: str) -> None:
    """Click a point of the scale without waiting for the save."""
    radio = page.locator(f"#q{question_id}-c{value}")
    if not radio.is_checked():
        page.locator(f"label[for='q{question_id}-c{value}']").click()
        expect(radio).to_be_checked()


def answer_step(
    page: Page, values: list[str] | None = None, *, skip: set[int] = frozenset()
) -> list[int]:
    """Answer every question of the step on screen, cycling through values; return the ids.

    Clicks them all, as a person does, then waits until each shows "Saved".
    """
    ids = question_ids(page)
    values = values or ["3"]
    picked = [question_id for question_id in ids if question_id not in skip]
    for index, question_id in enumerate(ids):
        if question_id not in skip:
            pick(page, question_id, values[index % len(values)])
    for question_id in picked:
        expect(page.locator(f"#fb-{question_id}")).to_contain_text("Saved")
    expect(page.locator("#save-status")).to_contain_text("All your answers are saved")
    return ids


def next_step(page: Page) -> None:
    page.get_by_role("link", name=re.compile("Next part|Review and submit")).last.click()


def log_in(
    page: Page, base_url: str, email: str, password: str, *, totp_secret: str | None = None
) -> None:
    """Log in; with `totp_secret`, also give the authenticator app's code when asked."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=False).first.fill(password)
    page.get_by_role("button", name="Log in").click()
    if totp_secret:
        give_totp_code(page, totp_secret)


def give_totp_code(page: Page, secret: str) -> None:
    """Type the current code of the authenticator app holding `secret` and send it."""
    import pyotp

    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.locator("#id_code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign In").click()


def verification_link(email: str) -> str:
    """Return the path of the newest verification link mailed to `email` (locmem outbox)."""
    from django.core import mail

    for message in reversed(mail.outbox):
        if email in message.to and "/accounts/confirm-email/" in message.body:
            return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body)[1]
    raise AssertionError(f"no verification mail to {email}")


def sign_up(page: Page, base_url: str, email: str, password: str) -> None:
    """Sign up, then follow the mailed link and confirm, as the mailbox's owner does."""
    page.goto(f"{base_url}/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name=re.compile("Verify your email", re.I))).to_be_visible()
    page.goto(base_url + verification_link(email))
    page.get_by_role("button", name="Confirm").click()


def shot(page: Page, folder, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)
