"""Browser journey: the owner grants access, the consultant accepts, works the portfolio."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.journey import log_in, shot
from tests.scenarios import Cycle, client_build

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root"),
]


def test_grant_accept_and_read_the_portfolio(page, live_server, default_bank, artifacts_dir):
    page.set_default_timeout(10_000)
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security" in msg.text else None
    )
    consultant = UserFactory(email="ada@advice.example")
    owner = UserFactory(email="owner@bakery.example")
    bakery = client_build(
        bank=default_bank,
        consultant=consultant,
        name="Crumb & Co",
        grant=False,
        cycles=[Cycle("2026-Q1", 200, index=48.0), Cycle("2026-Q3", 20, index=61.0, high_flags=1)],
    )
    bakery.memberships.create(user=owner, role="owner")
    client_build(
        bank=default_bank,
        consultant=consultant,
        name="Garage Nord",
        cycles=[Cycle("G-1", 300, index=77.0)],
    )
    base = live_server.url

    log_in(page, base, owner.email, PASSWORD)
    page.goto(f"{base}{bakery.get_absolute_url()}")
    page.get_by_role("link", name="Consultants").click()
    page.get_by_label("Consultant's e-mail address").fill("ada@advice.example")
    page.get_by_role("button", name="Grant access").click()
    expect(page.get_by_text("Waiting for acceptance")).to_be_visible()
    shot(page, artifacts_dir, "portfolio-01-owner-grants")
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, consultant.email, PASSWORD)
    page.get_by_role("link", name="Client portfolio").click()
    expect(page.get_by_test_id("pending-banner")).to_be_visible()
    page.get_by_role("link", name="Accept or decline").click()
    page.get_by_role("button", name="Accept Crumb & Co").click()
    expect(page.get_by_text("You now see Crumb & Co in your portfolio.")).to_be_visible()
    rows = page.get_by_test_id("portfolio").locator("tbody tr")
    expect(rows).to_have_count(2)

    page.get_by_role("link", name="Alignment index").click()
    expect(rows.first).to_contain_text("Crumb & Co")
    expect(rows.first).to_contain_text("▲ +13")
    page.get_by_role("link", name=re.compile("Alignment index")).click()  # reversed
    expect(rows.first).to_contain_text("Garage Nord")
    expect(rows.first.get_by_test_id("stale")).to_be_visible()
    shot(page, artifacts_dir, "portfolio-02-sorted")

    page.get_by_label("Stale").select_option("no")
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [row["Client"] for row in csv.DictReader(io.StringIO(text))] == ["Crumb & Co"]
    assert blocked == []
