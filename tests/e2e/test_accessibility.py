"""axe-core on every page of the journeys, in English and in German: no serious or critical
violation (WCAG 2.2 AA, DESIGN.md §12).

The data is built once for the module (the demo bakery and the consultant's clients, an open
cycle with a respondent's link, an open pulse, a brief link, a draft bank) and every page is
scanned by one browser context per role and language; each page then has a test of its own that
reads its scan. Scanning up front matters: the live server's tests empty the database after each
test, so the data could not outlive the first one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page

from tests.accounts.factories import PASSWORD, TOTP_SECRET
from tests.conftest import ARTIFACTS
from tests.e2e.journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FAILING_IMPACTS = ("serious", "critical")
# While fixing a page: A11Y_PAGES=report,cycle scans only those (the others are skipped).
ONLY = {name for name in os.environ.get("A11Y_PAGES", "").split(",") if name}
LANGUAGES = ("en", "de")
# Each chart of the page: how its text alternative is given, and the rows of its own table.
CHARTS = """() => [...document.querySelectorAll("figure.chart")].map(f => ({
  name: f.className,
  alternative: f.dataset.textAlternative || "",
  rows: f.querySelectorAll("details.chart-data tbody tr").length,
  summary: (f.querySelector("details.chart-data summary") || {}).textContent || "",
}))"""
# Pages whose first chart is pictured with its data table open (test-artifacts/).
SHOTS = ("report", "client-dashboard")
# How long to wait for the page's charts to be drawn before scanning (ms).
CHART_WAIT = 10_000


@dataclass(frozen=True)
class Target:
    """One page to scan: who looks at it and how its address is found from the data."""

    role: str  # anonymous, owner, consultant, admin, respondent
    url: Callable[[dict[str, Any]], str]


def _r(name: str, *keys: str) -> Callable[[dict[str, Any]], str]:
    return lambda data: reverse(name, args=[data[key] for key in keys])


PAGES: dict[str, Target] = {
    # Journey 1: the owner.
    "home": Target("anonymous", _r("home")),
    "login": Target("anonymous", _r("login")),
    "signup": Target("anonymous", _r("signup")),
    "organizations": Target("owner", _r("organizations:home")),
    "organization-create": Target("owner", _r("organizations:organization_create")),
    "organization": Target("owner", _r("organizations:organization", "org")),
    "organization-settings": Target("owner", _r("organizations:settings", "org")),
    "members": Target("owner", _r("organizations:members", "org")),
    "strategy": Target("owner", _r("organizations:strategy", "org")),
    "cycle": Target("owner", _r("assessments:assessment", "open")),
    "wizard-part-1": Target("owner", _r("assessments:step", "open", "first_step")),
    "wizard-part-4": Target("owner", _r("assessments:step", "open", "last_step")),
    "wizard-review": Target("owner", _r("assessments:review", "open")),
    "invitations": Target("owner", _r("assessments:invitations", "open")),
    "report": Target("owner", _r("reports:report", "scored")),
    "action-edit": Target("owner", _r("reports:action_edit", "action")),
    "kpi": Target("owner", _r("reports:kpi", "action")),
    "kpi-upload": Target("owner", _r("reports:kpi_upload", "org")),
    "alert-settings": Target("owner", _r("alerts:settings", "org")),
    "pulses": Target("owner", _r("pulses:list", "org")),
    "pulse-results": Target("owner", _r("pulses:detail", "closed_pulse")),
    "brief": Target("owner", _r("briefs:view", "scored")),
    "brief-manage": Target("owner", _r("briefs:manage", "scored")),
    # Journey 2: a respondent's personal links (the cycle's, the pulse's, the brief's).
    "respond-start": Target("respondent", lambda d: d["respond_link"]),
    "respond-step": Target("respondent", lambda d: f"{d['respond_link']}{d['first_step']}/"),
    "respond-review": Target("respondent", lambda d: f"{d['respond_link']}review/"),
    "respond-thanks": Target("respondent", _r("assessments:respond_thanks")),
    "pulse-respond": Target("respondent", _r("pulses:respond", "pulse_token")),
    "pulse-thanks": Target("respondent", _r("pulses:thanks")),
    "brief-read": Target("respondent", _r("briefs:read", "brief_token")),
    # Journey 3: the consultant.
    "portfolio": Target("consultant", _r("consultants:portfolio")),
    "client-dashboard": Target("consultant", _r("clients:dashboard", "org")),
    "client-report": Target("consultant", _r("reports:report", "scored")),
    # Journey 4: the admin and the question banks.
    "admin-index": Target("admin", _r("admin:index")),
    "admin-banks": Target("admin", _r("admin:banks_questionbank_changelist")),
    "admin-bank-published": Target("admin", _r("admin:banks_questionbank_change", "bank")),
    "admin-bank-draft": Target("admin", _r("admin:banks_questionbank_change", "draft")),
    "admin-area-draft": Target("admin", _r("admin:banks_area_change", "draft_area")),
    "admin-bank-preview": Target("admin", _r("admin:banks_questionbank_preview", "draft")),
    "admin-bank-publish": Target("admin", _r("admin:banks_questionbank_publish", "draft")),
    "admin-bank-import": Target("admin", _r("admin:banks_questionbank_import")),
}


def _data(base: str) -> dict[str, Any]:
    """Build what the pages show; return the keys their addresses need."""
    from assessments.services.cycles import assessment_start
    from assessments.services.invitations import invitations_create, token_new
    from banks.models import Area, QuestionBank
    from banks.services import bank_draft_from, bank_import
    from briefs.models import Brief, BriefLink
    from demo.services import DEMO_ORGANIZATION, demo_seed, demo_seed_clients
    from organizations.models import Level, Organization
    from pulses.models import Pulse, PulseLink, PulseQuestion
    from pulses.services import pulse_questions_pick
    from scoring.bank import load_bank_yaml
    from tests.accounts.factories import StaffUserFactory
    from tests.assessments.factories import InvitationFactory
    from tests.conftest import DEFAULT_BANK

    text = DEFAULT_BANK.read_text(encoding="utf-8")
    bank_import(bank=load_bank_yaml(text, source=str(DEFAULT_BANK)), publish=True)
    demo_seed()
    demo_seed_clients()
    StaffUserFactory(email="keeper@resonance.example", is_superuser=True)
    organization = Organization.objects.get(name=DEMO_ORGANIZATION)
    scored = organization.assessments.order_by("-closed_at").first()
    owner = organization.memberships.get().user
    action = scored.action_items.filter(kpi_readings__isnull=False).order_by("position").first()
    closed_pulse = organization.pulses.get()
    now = timezone.now()

    # A pulse open now, with a link for one of the staff.
    pulse = Pulse.objects.create(
        organization=organization,
        assessment=scored,
        period_start=closed_pulse.period_start + timedelta(days=40),
        opened_at=now,
        closes_at=now + timedelta(days=7),
    )
    PulseQuestion.objects.bulk_create(
        PulseQuestion(pulse=pulse, question=question, position=n)
        for n, question in enumerate(pulse_questions_pick(assessment=scored))
    )
    pulse_token, digest = token_new()
    PulseLink.objects.create(
        pulse=pulse,
        email="staff9@crumb.example",
        level=Level.STAFF,
        token_hash=digest,
        expires_at=pulse.closes_at,
        sent_at=now,
    )

    # The published brief of the scored cycle, with a link for one of its staff.
    brief_token, digest = token_new()
    BriefLink.objects.create(
        brief=Brief.objects.get(assessment=scored),
        invitation=InvitationFactory(assessment=scored, level=Level.STAFF),
        level=Level.STAFF,
        token_hash=digest,
        expires_at=now + timedelta(days=30),
        sent_at=now,
    )

    # An open cycle with a staff member's link (its pulse would wait for the cycle to close).
    open_cycle = assessment_start(organization=organization, user=owner, label="2026-Q4")
    batch = invitations_create(
        assessment=open_cycle, entries=[("sam@crumb.example", Level.STAFF)], site_url=base
    )
    steps = list(open_cycle.bank.dimensions.order_by("position").values_list("code", flat=True))

    bank = QuestionBank.objects.get(status=QuestionBank.Status.PUBLISHED)
    draft = bank_draft_from(bank_row=bank)
    draft_area = Area.objects.filter(dimension__bank=draft).order_by("pk").first()
    return {
        "org": organization.pk,
        "scored": scored.pk,
        "open": open_cycle.pk,
        "first_step": steps[0],
        "last_step": steps[-1],
        "action": action.pk,
        "closed_pulse": closed_pulse.pk,
        "respond_link": batch.links[0].link.removeprefix(base),
        "pulse_token": pulse_token,
        "brief_token": brief_token,
        "bank": bank.pk,
        "draft": draft.pk,
        "draft_area": draft_area.pk,
        "owner_email": owner.email,
    }


def _logged_in(browser: Browser, base: str, role: str, data: dict[str, Any]) -> BrowserContext:
    context = browser.new_context()
    context.set_default_timeout(15_000)
    if role in ("anonymous", "respondent"):
        return context
    from demo.services import DEMO_LOGINS

    page = context.new_page()
    if role == "admin":
        log_in(page, base, "keeper@resonance.example", PASSWORD, totp_secret=TOTP_SECRET)
    else:
        _role, email, password = next(login for login in DEMO_LOGINS if login[0] == role)
        log_in(page, base, email, password)
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.close()
    return context


def _in_language(browser: Browser, base: str, context: BrowserContext, language: str):
    """A context with the same log-in that asks for `language` (browser and cookie)."""
    state = context.storage_state()
    localized = browser.new_context(
        storage_state=state, locale={"en": "en-GB", "de": "de-DE"}[language]
    )
    localized.set_default_timeout(15_000)
    localized.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    return localized


def _shot_chart_data(page: Page, name: str) -> None:
    """Open the page's first "Show the data" and keep a picture of it, to look at."""
    details = page.locator("details.chart-data").first
    if details.count():
        details.locator("summary").click()
        ARTIFACTS.mkdir(exist_ok=True)
        details.locator("xpath=..").screenshot(path=str(ARTIFACTS / f"{name}-chart-data.png"))


def _scan(page: Page, url: str) -> dict[str, Any]:
    reply = page.goto(url)
    if reply is None or reply.status >= 400:
        return {"error": f"{url} answered {reply.status if reply else 'nothing'}"}
    page.wait_for_load_state("networkidle")
    charts = page.locator("[data-figure]")
    if charts.count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-figure]')]"
            ".every(n => n.dataset.drawn === '1')",
            timeout=CHART_WAIT,
        )
    results = Axe().run(page).response
    charts = page.evaluate(CHARTS)
    return {
        "url": page.url,
        "lang": page.evaluate("document.documentElement.lang"),
        "violations": results["violations"],
        "charts": charts,
    }


@pytest.fixture(scope="module")
def scans(browser, live_server, django_db_setup, django_db_blocker) -> dict[tuple[str, str], Any]:
    """Scan every page in every language once; return the results by (language, page)."""
    from reports import pdf

    base = live_server.url
    results: dict[tuple[str, str], Any] = {}
    live_server._live_server_modified_settings.enable()
    try:
        with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
            # The PDFs are not scanned here; building them would only cost time.
            patch.setattr(pdf, "pdf_engine_problem", lambda: "no PDFs in the axe scan")
            data = _data(base)
            roles = sorted({t.role for n, t in PAGES.items() if not ONLY or n in ONLY})
            for role in roles:
                english = _logged_in(browser, base, role, data)
                for language in LANGUAGES:
                    context = _in_language(browser, base, english, language)
                    page = context.new_page()
                    for name, target in PAGES.items():
                        if target.role != role or (ONLY and name not in ONLY):
                            continue
                        try:
                            results[(language, name)] = _scan(page, base + target.url(data))
                            if name in SHOTS:
                                _shot_chart_data(page, f"a11y-{name}-{language}")
                        except Exception as exc:
                            results[(language, name)] = {"error": f"{type(exc).__name__}: {exc}"}
                    context.close()
                english.close()
    finally:
        live_server._live_server_modified_settings.disable()
    return results


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").splitlines()
            detail = summary[1].strip() if len(summary) > 1 else ""
            lines.append(f"    {target}  {detail}")
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_or_critical_axe_violation(scans, name, language):
    if ONLY and name not in ONLY:
        pytest.skip("not in A11Y_PAGES")
    result = scans[(language, name)]
    assert "error" not in result, result.get("error")
    failing = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"{result['url']} ({language}):\n{_describe(failing)}"


def test_every_chart_has_its_data_as_a_table(scans):
    """A text alternative for each chart: its own table behind "Show the data", or a table of
    the page that holds the same figures (marked `nearby`, as the pulse trend's)."""
    if ONLY:
        pytest.skip("A11Y_PAGES scans only some pages")
    charts = {
        (language, name, chart["name"]): chart
        for (language, name), result in scans.items()
        for chart in result.get("charts", [])
    }
    assert len({key[1] for key in charts}) >= 5, charts  # report, dashboard, pulses, KPIs
    missing = {
        key: chart
        for key, chart in charts.items()
        if not (
            chart["alternative"] == "nearby" or (chart["alternative"] == "table" and chart["rows"])
        )
    }
    assert not missing, missing
