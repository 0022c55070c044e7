"""A strict Content Security Policy, checked in headless Chromium on the main pages.

Every page is loaded with a listener for `securitypolicyviolation` events (installed by the test
harness, outside the page's policy) and the console is read for CSP errors: there must be none.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from assessments.services.cycles import assessment_start
from banks.models import QuestionBank
from reports.services import report_build, report_request
from tests.accounts.factories import PASSWORD, TOTP_SECRET, StaffUserFactory
from tests.e2e.journey import log_in
from tests.scenarios import answered_assessment, owner_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ""}`);
});
"""


def _watch(page: Page) -> list[str]:
    console: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: (
            console.append(m.text) if m.type == "error" or "Security Policy" in m.text else None
        ),
    )
    page.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
    return console


def _visit(
    page: Page, url: str, console: list[str], problems: list[str], *, wait: str = ""
) -> None:
    console.clear()
    response = page.goto(url)
    assert response is not None
    assert response.status < 400, f"{url}: {response.status}"
    if wait:
        page.locator(wait).first.wait_for()
    page.wait_for_load_state("networkidle")
    csp = response.headers.get("content-security-policy", "")
    if "script-src 'self'" not in csp:
        problems.append(f"{url}: no strict CSP header ({csp!r})")
    violations = page.evaluate("window.__csp")
    problems.extend(f"{url}: violation {v}" for v in violations)
    problems.extend(f"{url}: console {m}" for m in console if "Security Policy" in m or "CSP" in m)
    problems.extend(f"{url}: {m}" for m in console if m.startswith("page error"))


def test_the_main_pages_raise_no_csp_violation(page: Page, live_server, default_bank):
    scored = answered_assessment(default_bank)
    report = report_build(report_id=report_request(assessment=scored, enqueue=False).pk)
    assert report.status == "ready", report.error
    owner = owner_of(scored)
    open_cycle = assessment_start(organization=scored.organization, user=owner, label="next")
    assert open_cycle.status == Assessment.Status.OPEN
    admin = StaffUserFactory(email="admin@example.com", is_superuser=True)
    bank = QuestionBank.objects.get()
    base = live_server.url
    page.set_default_timeout(15_000)
    console = _watch(page)
    problems: list[str] = []

    for url in (reverse("home"), reverse("login"), reverse("signup")):
        _visit(page, base + url, console, problems)
    log_in(page, base, owner.email, PASSWORD)
    organization = scored.organization
    for url, wait in (
        (reverse("organizations:home"), ""),
        (reverse("organizations:organization", args=[organization.pk]), ""),
        (reverse("organizations:strategy", args=[organization.pk]), ""),
        (reverse("assessments:assessment", args=[open_cycle.pk]), ""),
        (reverse("assessments:start", args=[open_cycle.pk]), "form.question"),
        (reverse("assessments:review", args=[open_cycle.pk]), ""),
        (reverse("assessments:invitations", args=[open_cycle.pk]), ""),
        (reverse("clients:dashboard", args=[organization.pk]), ""),
        (reverse("api:docs"), ".swagger-ui"),
        (reverse("reports:report", args=[scored.pk]), ".report-figure .main-svg"),
    ):
        _visit(page, base + url, console, problems, wait=wait)
    # The policy lets Plotly's own stylesheet work: its mode bar floats over the chart.
    modebar = page.evaluate("getComputedStyle(document.querySelector('.modebar')).position")
    assert modebar == "absolute"
    # Autosave of one answer (a batch sent by wizard.js) under the same policy.
    _visit(page, base + reverse("assessments:start", args=[open_cycle.pk]), console, problems)
    first = page.locator("form.question").first
    first.locator("label").first.click()
    expect(first.locator(".save-feedback")).to_contain_text("Saved")
    problems.extend(f"wizard save: violation {v}" for v in page.evaluate("window.__csp"))

    page.context.clear_cookies()
    log_in(page, base, admin.email, PASSWORD, totp_secret=TOTP_SECRET)
    for url in (
        reverse("admin:index"),
        reverse("admin:banks_questionbank_changelist"),
        reverse("admin:banks_questionbank_change", args=[bank.pk]),
        reverse("admin:banks_questionbank_import"),
        reverse("admin:banks_questionbank_preview", args=[bank.pk]),
        reverse("admin:banks_question_changelist"),
        reverse("admin:organizations_organization_changelist"),
    ):
        _visit(page, base + url, console, problems)
    assert not problems, "\n".join(problems)
