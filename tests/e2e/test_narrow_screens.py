"""Every page fits a 390 px phone: nothing widens the page beyond the screen.

The crawler follows the links an owner and a consultant see on the demo (two clicks deep), so a
new page is covered without being listed here. Wide tables may scroll inside their own box.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from demo.services import DEMO_LOGINS, demo_seed
from tests.e2e.journey import log_in, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Files, the admin, and links that change state on GET-less pages are left out.
SKIPPED = ("/logout", "/admin/", "/pdf", ".pdf", ".csv", ".xlsx", ".ics", "/export", "/download")


def _links(page: Page, origin: str) -> set[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = set()
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path.startswith("/app/"):
            continue
        if any(skip in parts.path for skip in SKIPPED):
            continue
        found.add(parts.path)
    return found


def _too_wide(page: Page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _crawl(page: Page, origin: str, start: str, depth: int = 2) -> dict[str, int]:
    seen: dict[str, int] = {}
    frontier = {start}
    for _ in range(depth + 1):
        next_frontier: set[str] = set()
        for path in sorted(frontier - set(seen)):
            try:
                reply = page.goto(origin + path)
            except PlaywrightError as exc:  # a file download, not a page
                if "Download is starting" in str(exc):
                    continue
                raise
            if reply is None or reply.status != 200:
                continue
            page.wait_for_load_state("networkidle")
            seen[path] = _too_wide(page)
            next_frontier |= _links(page, origin)
        frontier = next_frontier
    return seen


@pytest.mark.parametrize("role", ["owner", "consultant"])
def test_no_page_is_wider_than_a_phone(page, live_server, default_bank, role, artifacts_dir):
    demo_seed()
    _role, email, password = next(login for login in DEMO_LOGINS if login[0] == role)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, email, password)
    page.wait_for_load_state("networkidle")
    widths = _crawl(page, live_server.url, urlsplit(page.url).path)
    assert len(widths) >= 5, widths  # the crawl really reached the pages
    wide = {path: extra for path, extra in widths.items() if extra > 0}
    if wide:
        page.goto(live_server.url + next(iter(wide)))
        shot(page, artifacts_dir, f"too-wide-{role}")
    assert wide == {}, f"pages wider than 390 px (extra px): {wide}"


@pytest.mark.parametrize("width", [390, 1280])
def test_every_part_of_the_questionnaire_shows_in_full_with_the_current_one_in_view(
    page, live_server, respondent_link, width
):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(respondent_link)
    page.get_by_role("link", name=re.compile("Start|Continue")).first.click()
    tabs = page.locator(".wizard-nav .nav-link")
    assert tabs.count() >= 5  # four dimensions and the review
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        # Fully visible: not cut by the screen edge nor hidden in a scrolled strip.
        box = tab.bounding_box()
        assert box is not None
        assert box["x"] >= 0, index
        assert box["x"] + box["width"] <= width, index
        assert tab.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), index
    assert page.locator(".wizard-nav .nav-link.active").is_visible()
    assert _too_wide(page) <= 0
