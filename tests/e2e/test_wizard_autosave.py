"""The questionnaire's batch autosave in a real browser, on the file SQLite test database.

Brisk arrow keys through a whole step, a tab closed right after the last change, a page left
by a link: every answer ends up stored with the value the page showed, and the page sends a
handful of requests instead of one per click.
"""

import re
import time

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from assessments.models import Answer
from tests.e2e.journey import is_batch, question_ids

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VALUES = ("1", "2", "3", "4", "5", "dk")


def shown(page: Page) -> dict[int, int | None]:
    """Return each question's checked value as the page shows it (None for "don't know")."""
    checked = page.locator("input[name=current]:checked").evaluate_all(
        "inputs => inputs.map(i => [i.closest('form').id, i.value])"
    )
    return {
        int(form_id.removeprefix("q-")): None if value == "dk" else int(value)
        for form_id, value in checked
    }


def stored() -> dict[int, int | None]:
    return dict(Answer.objects.values_list("question_id", "current"))


def wait_until_stored(expected: dict[int, int | None]) -> dict[int, int | None]:
    """Poll the database until it holds the expected answers (or give up after a while)."""
    for _ in range(150):
        if stored() == expected:
            break
        connection.close()
        time.sleep(0.2)
    return stored()


def count_batches(page: Page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/batch/") else None)
    return sent


def test_brisk_arrow_keys_through_a_whole_step_store_every_value_shown(
    page: Page, respondent_link, artifacts_dir
):
    page.goto(respondent_link + "market/")
    sent = count_batches(page)
    ids = question_ids(page)
    assert len(ids) == 16
    expected: dict[int, int | None] = {}
    for index, question_id in enumerate(ids):
        # Land on 1, then run up and down the scale without pausing: right to somewhere
        # between 2 and "don't know", back one now and then.
        page.locator(f"label[for='q{question_id}-c1']").click()
        steps_right = 1 + index % 5
        for _ in range(steps_right):
            page.keyboard.press("ArrowRight")
        for _ in range(index % 2):
            page.keyboard.press("ArrowLeft")
        position = steps_right - index % 2
        value = VALUES[position]
        expected[question_id] = None if value == "dk" else int(value)
    assert shown(page) == expected
    for question_id in ids:
        expect(page.locator(f"#fb-{question_id}")).to_contain_text("Saved", timeout=30_000)
    expect(page.locator("#save-status")).to_contain_text("All your answers are saved")
    expect(page.locator("#step-progress")).to_contain_text("16 of 16 answered in this part")
    page.screenshot(path=str(artifacts_dir / "wizard-brisk-keys-saved.png"), full_page=False)
    assert stored() == expected == shown(page)
    # A few batches for 16 questions and about 60 key presses, not one request per change.
    assert 1 <= len(sent) <= 8, sent
    page.reload()
    assert shown(page) == expected


def test_closing_the_tab_right_after_changes_loses_no_answer(page: Page, respondent_link):
    page.goto(respondent_link + "market/")
    ids = question_ids(page)
    expected = {}
    for index, question_id in enumerate(ids[:6]):
        value = VALUES[index % 5]
        page.locator(f"label[for='q{question_id}-c{value}']").click()
        expected[question_id] = int(value)
    assert not Answer.objects.exists()  # nothing was sent yet: the batch waits a moment
    page.close(run_before_unload=True)  # the page sends the rest with keepalive as it goes
    assert wait_until_stored(expected) == expected


def test_leaving_by_a_link_right_after_changes_loses_no_answer(page: Page, respondent_link):
    page.goto(respondent_link + "market/")
    sent = count_batches(page)
    ids = question_ids(page)
    for question_id in ids:
        page.locator(f"label[for='q{question_id}-c4']").click()
    page.get_by_role("link", name=re.compile("Next part")).last.click()
    expect(page.get_by_role("heading", name=re.compile("Part 2 of 4"))).to_be_visible()
    assert stored() == dict.fromkeys(ids, 4)
    # One request per couple of seconds of clicking, and one on the step change.
    assert 1 <= len(sent) <= 4, sent
    expect(page.locator("#overall-progress")).to_contain_text("16 of 64 answered in total")


def test_a_change_left_unsent_is_sent_by_the_next_page(page: Page, respondent_link):
    # The server is unreachable while the person answers and leaves: the device keeps the
    # changes and the next page of the questionnaire sends them.
    page.goto(respondent_link + "market/")
    ids = question_ids(page)
    page.route("**/batch/", lambda route: route.abort())
    page.locator(f"label[for='q{ids[0]}-c2']").click()
    page.locator(f"label[for='q{ids[1]}-cdk']").click()
    expect(page.locator(f"#fb-{ids[0]}")).to_contain_text("no connection")
    page.unroute("**/batch/")
    with page.expect_response(is_batch):
        page.goto(respondent_link + "market/")
    expect(page.locator(f"#fb-{ids[1]}")).to_contain_text("Saved")
    assert stored() == {ids[0]: 2, ids[1]: None}
    expect(page.locator(f"#q{ids[0]}-c2")).to_be_checked()


def test_a_whole_questionnaire_takes_a_handful_of_requests(page: Page, respondent_link):
    """Count what one respondent's browser asks of the server, start to thank-you page.

    Before batching it was one save per click: 71 requests (start, 4 parts, 64 saves, review,
    submit). The figure is printed for the notes; the bound only says "not one per click".
    """
    requests: list[tuple[str, str]] = []
    page.on(
        "request",
        lambda r: (
            requests.append((r.method, r.url))
            if "/static/" not in r.url and r.resource_type in ("document", "fetch", "xhr")
            else None
        ),
    )
    page.goto(respondent_link)
    page.get_by_role("link", name="Start").click()
    for part in range(4):
        expect(
            page.get_by_role("heading", name=re.compile(f"Part {part + 1} of 4"))
        ).to_be_visible()
        for index, question_id in enumerate(question_ids(page)):
            page.locator(f"label[for='q{question_id}-c{VALUES[index % 6]}']").click()
        page.get_by_role("link", name=re.compile("Next part|Review and submit")).last.click()
    expect(page.get_by_text("Every question has an answer")).to_be_visible()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    saves = [url for method, url in requests if method == "POST" and url.endswith("/batch/")]
    print(f"\nrequests per respondent: {len(requests)} ({len(saves)} batch saves)")
    assert Answer.objects.count() == 64
    assert len(saves) <= 12
    assert len(requests) <= 20
