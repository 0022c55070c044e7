"""Journey 3 (DESIGN.md section 2): a consultant works through the portfolio in a real browser.

Log in → land on the portfolio → sort it → open one client's dashboard → compare two cycles →
edit an action item → download the action plan as XLSX and read it back.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import ActionItem
from tests.accounts.factories import PASSWORD, UserFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.e2e.journey import log_in, shot
from tests.organizations.factories import MembershipFactory
from tests.scenarios import scored_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _client(name, bank, consultant, *, cycles):
    organization = MembershipFactory(organization__name=name).organization
    made = [
        scored_cycle(organization, bank, label=label, days_ago=days, lift=lift, seed=5)
        for label, days, lift in cycles
    ]
    ConsultantAccessFactory(organization=organization, consultant=consultant)
    return organization, made


def test_consultant_sorts_opens_compares_edits_and_downloads(
    page, live_server, default_bank, artifacts_dir
):
    page.set_default_timeout(15_000)
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    consultant = UserFactory(email="advisor@consult.example")
    _bakery, (first, _second, latest) = _client(
        "Crumb & Co",
        default_bank,
        consultant,
        cycles=[("2026-Q1", 200, 0.0), ("2026-Q2", 110, 0.4), ("2026-Q3", 20, 0.9)],
    )
    _client("Garage Nord", default_bank, consultant, cycles=[("G-1", 30, -0.6)])
    # An organization that never granted access must not appear anywhere.
    MembershipFactory(organization__name="Secret Soap Ltd")

    log_in(page, live_server.url, consultant.email, PASSWORD)
    # A consultant with no organization of their own lands on the portfolio.
    expect(page).to_have_url(re.compile(r"/app/portfolio/"))
    rows = page.get_by_test_id("portfolio").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("body")).not_to_contain_text("Secret Soap")

    page.get_by_role("link", name="Alignment index").click()  # lowest first
    expect(rows.first).to_contain_text("Garage Nord")
    page.get_by_role("link", name=re.compile("Alignment index")).click()  # highest first
    expect(rows.first).to_contain_text("Crumb & Co")
    expect(rows.first).to_contain_text("▲")  # improved since the previous cycle
    shot(page, artifacts_dir, "journey3-01-portfolio")

    rows.first.get_by_role("link", name="Crumb & Co").click()
    expect(page.get_by_role("heading", name="Trends across cycles")).to_be_visible()
    expect(page.locator("[data-figure='fig-trend'] .main-svg").first).to_be_visible()

    page.get_by_label("From cycle").select_option(str(first.pk))
    page.get_by_label("To cycle").select_option(str(latest.pk))
    page.get_by_role("button", name="Compare", exact=True).click()
    comparison = page.get_by_test_id("comparison")
    expect(comparison).to_contain_text("(2026-Q1)")
    expect(comparison).to_contain_text("(2026-Q3)")
    shot(page, artifacts_dir, "journey3-02-comparison")

    page.locator("#plan").get_by_role("link", name="Edit").first.click()
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_label("Consultant's note").fill("Agree the delivery rota with Sam first.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#plan")).to_contain_text("Agree the delivery rota with Sam first.")
    edited = ActionItem.objects.get(
        assessment=latest, consultant_note="Agree the delivery rota with Sam first."
    )
    assert edited.status == ActionItem.Status.IN_PROGRESS
    shot(page, artifacts_dir, "journey3-03-plan")

    with page.expect_download() as download:
        page.get_by_role("link", name="Action plan XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = artifacts_dir / "journey3-action-plan.xlsx"  # openpyxl goes by the file's suffix
    download.value.save_as(saved)
    sheet = load_workbook(saved).worksheets[0]
    _header, *lines = list(sheet.iter_rows(values_only=True))
    assert len(lines) == latest.action_items.count()
    row = next(line for line in lines if edited.title in line)
    assert "Agree the delivery rota with Sam first." in row
    assert "In progress" in row or "in_progress" in row
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
