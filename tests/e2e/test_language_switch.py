"""A respondent on a phone switches the language of their questionnaire with the page's switcher
(a plain form, no JavaScript needed), then starts and answers in French."""

import pytest
from django.utils import translation
from django.utils.translation import pgettext
from playwright.sync_api import Page, expect

from assessments.models import Answer
from banks.models import Question
from tests.e2e.journey import question_ids, shot

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

    # Started and answered in French: the bank's statement, the buttons and the save status.
    with translation.override("fr"):
        start = pgettext("button: begin the questionnaire", "Start")
        saved = "Enregistré"
    page.get_by_role("link", name=start).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    first = question_ids(page)[0]
    statement = page.locator(f"#q-{first}").inner_text()
    question = Question.objects.get(pk=first)
    assert question.translations["fr"]["text"] in statement
    assert question.text not in statement
    page.locator(f"label[for='q{first}-c4']").click()
    expect(page.locator(f"#fb-{first}")).to_contain_text(saved)
    assert _too_wide(page) <= 0
    shot(page, artifacts_dir, "language-switcher-390-fr-answered", full_page=False)
    stored = Answer.objects.get(question_id=first)
    assert stored.current == 4
