"""A respondent on a phone switches the language of their questionnaire with the page's switcher,
without JavaScript help: the choice sticks on the next pages of the link."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journey import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _too_wide(page: Page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_respondent_switches_the_language_on_a_phone(page: Page, respondent_link, artifacts_dir):
    page.set_viewport_size(PHONE)
    page.goto(respondent_link)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.get_by_test_id("language-switcher")
    select = switcher.get_by_label("Language")
    expect(select).to_be_visible()
    # The switcher fits the phone's width, and so does the page.
    box = switcher.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert _too_wide(page) <= 0
    shot(page, artifacts_dir, "language-switcher-390-en", full_page=False)

    # From the keyboard: choose Français in the select, then Enter on the button.
    select.focus()
    select.select_option("fr")
    switcher.get_by_role("button").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert page.url == respondent_link
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_test_id("language-switcher").get_by_role("combobox")).to_have_value("fr")
    assert _too_wide(page) <= 0
    shot(page, artifacts_dir, "language-switcher-390-fr", full_page=False)

    # The next page of the questionnaire stays in French.
    first_step = page.locator("a[href*='/step/']").first
    if first_step.count():
        first_step.click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        assert re.search(r"/respond/[^/]+/step/", page.url)
