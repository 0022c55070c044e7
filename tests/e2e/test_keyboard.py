"""Keyboard only: a respondent opens the link, answers a whole part of the questionnaire and
submits with Tab, Space, the arrow keys and Enter, and every element that takes the focus on the
way shows it (an outline or a ring)."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Answer, Response
from tests.e2e.journey import question_ids, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The element that has the focus, as a person sees it: a radio of the scale is drawn by its label.
FOCUSED = """() => {
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  const radio = el.matches("input.btn-check") ? el : null;
  if (radio) el = document.querySelector(`label[for="${radio.id}"]`) || el;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = !!style.boxShadow && style.boxShadow !== "none";
  return {
    id: (radio || el).id,
    name: (radio || el).name || "",
    tag: (radio || el).tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    visible: outline || ring,
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
  };
}"""
MAX_TABS = 60


def _focused(page: Page) -> dict:
    focused = page.evaluate(FOCUSED)
    assert focused is not None, "the focus left the page's elements"
    assert focused["visible"], f"the focus is not visible on {focused}"
    return focused


def _tab_to(page: Page, wanted, what: str, seen: list[dict], *, most: int = MAX_TABS) -> dict:
    """Press Tab until `wanted(focused)` holds, checking each stop shows the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) is None:
            continue  # past the page's last element: the next Tab starts at its top again
        focused = _focused(page)
        seen.append(focused)
        if wanted(focused):
            return focused
    raise AssertionError(f"{what} not reached in {most} presses of Tab: {seen[-5:]}")


def test_a_respondent_answers_a_part_and_submits_with_the_keyboard_only(
    page: Page, live_server, respondent_link, artifacts_dir
):
    seen: list[dict] = []
    page.goto(respondent_link)
    _tab_to(page, lambda f: re.match(r"Start|Continue", f["text"]), "the start link", seen)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Part 1 of 4"))).to_be_visible()

    # Each question: Tab into its scale, Space picks the first point, arrows move the choice.
    ids = question_ids(page)
    for number, question_id in enumerate(ids):
        _tab_to(
            page, lambda f, q=question_id: f["id"] == f"q{q}-c1", f"question {question_id}", seen
        )
        page.keyboard.press("Space")
        expect(page.locator(f"#q{question_id}-c1")).to_be_checked()
        for _ in range(number % 4):
            page.keyboard.press("ArrowRight")
            _focused(page)
        expect(page.locator(f"#q{question_id}-c{1 + number % 4}")).to_be_checked()
        if number == 1:
            shot(page, artifacts_dir, "keyboard-01-scale-focus", full_page=False)
    expect(page.locator("#save-status")).to_contain_text("All your answers are saved")
    expect(page.locator("#step-progress")).to_contain_text(f"{len(ids)} of {len(ids)} answered")

    # On to the review, and submit.
    _tab_to(page, lambda f: f["text"] == "Review and submit", "the review link", seen)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    # Past the links to the parts' unanswered questions (48 of them) to the button.
    _tab_to(page, lambda f: f["text"] == "Submit my answers", "submit", seen, most=150)
    shot(page, artifacts_dir, "keyboard-02-submit-focus", full_page=False)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()

    response = Response.objects.get()
    assert response.submitted_at is not None
    assert Answer.objects.filter(response=response).count() == len(ids)
    assert {f["tag"] for f in seen} >= {"a", "input", "textarea", "button"}
