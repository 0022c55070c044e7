"""Writing through the API: answer sets, action items and rebuilds, with the pages' own rules."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from assessments.models import Answer, Assessment, Response
from assessments.services.cycles import COMMENT_MAX_LENGTH
from banks.services import bank_layout
from organizations.models import Level
from reports.models import ActionItem, Report
from tests.api.conftest import token_client
from tests.assessments.factories import AnswerFactory, AssessmentFactory, ResponseFactory

pytestmark = pytest.mark.django_db

FEEDBACK = "market.customers.feedback"  # bank target 3 for operational excellence
SEGMENTS = "market.customers.segments"
# Token, cycle, role, response (get_or_create), one locked read, one upsert, the submit, the
# count, and the savepoints of the nested transactions: nothing per answer.
API_ANSWER_SET_MAX_QUERIES = 13


@pytest.fixture
def open_cycle(scored, default_bank) -> Assessment:
    """Return a new open cycle of the scored client; a staff member has answered already."""
    cycle = AssessmentFactory(organization=scored.organization, bank=default_bank, label="2027-Q1")
    staff = ResponseFactory(assessment=cycle, level=Level.STAFF)
    question = default_bank.dimensions.first().areas.first().questions.first()
    AnswerFactory(response=staff, question=question, current=1, comment="staff view")
    return cycle


def _post_answers(client, cycle, answers, submit=False):
    return client.post(
        f"/api/cycles/{cycle.pk}/answers/", {"answers": answers, "submit": submit}, format="json"
    )


def test_owner_saves_a_full_set_into_their_own_response(owner, open_cycle):
    answers = [
        {"question": FEEDBACK, "current": 4, "target": 5, "comment": "We ask after every order."},
        {"question": SEGMENTS, "current": None},
        {"question": "market.customers.complaints", "current": "dk"},
    ]
    response = _post_answers(token_client(owner), open_cycle, answers)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["level"] == "owner"
    assert body["saved"] == 3
    assert body["answered"] == 3
    assert body["total"] == 64
    assert body["submitted_at"] is None
    mine = Response.objects.get(assessment=open_cycle, user=owner)
    assert body["response"] == mine.pk
    stored = {a.question.code: a for a in mine.answers.select_related("question")}
    assert stored[FEEDBACK].current == 4
    assert stored[FEEDBACK].target == 5
    assert stored[FEEDBACK].comment == "We ask after every order."
    assert stored[SEGMENTS].current is None
    assert stored["market.customers.complaints"].current is None


def test_the_staff_response_is_never_touched(owner, open_cycle):
    staff = Response.objects.get(assessment=open_cycle, level=Level.STAFF)
    _post_answers(token_client(owner), open_cycle, [{"question": FEEDBACK, "current": 5}])
    [answer] = staff.answers.all()
    assert (answer.current, answer.comment) == (1, "staff view")
    assert Response.objects.filter(assessment=open_cycle).count() == 2


def test_a_target_equal_to_the_banks_is_no_override(owner, open_cycle):
    _post_answers(
        token_client(owner), open_cycle, [{"question": FEEDBACK, "current": 2, "target": 3}]
    )
    assert Answer.objects.get(response__user=owner, response__assessment=open_cycle).target is None


def test_submit_hands_the_response_in_and_locks_it(owner, open_cycle):
    client = token_client(owner)
    response = _post_answers(
        client, open_cycle, [{"question": FEEDBACK, "current": 3}], submit=True
    )
    assert response.status_code == 200
    assert response.json()["submitted_at"] is not None
    again = _post_answers(client, open_cycle, [{"question": FEEDBACK, "current": 1}])
    assert again.status_code == 409
    assert again.json()["detail"] == "These answers were submitted and can no longer change."
    assert Answer.objects.get(response__user=owner, response__assessment=open_cycle).current == 3


def test_manager_answers_at_manager_level_and_may_not_set_targets(manager, open_cycle):
    client = token_client(manager)
    refused = _post_answers(client, open_cycle, [{"question": FEEDBACK, "current": 3, "target": 5}])
    assert refused.status_code == 400
    assert refused.json() == {
        "answers": {"0": {"target": ["Only the owner states what the strategy needs."]}}
    }
    saved = _post_answers(client, open_cycle, [{"question": FEEDBACK, "current": 3}])
    assert saved.json()["level"] == "manager"


def test_invalid_answers_get_the_wizards_messages_and_nothing_is_saved(owner, open_cycle):
    answers = [
        {"question": FEEDBACK, "current": 4},
        {"question": SEGMENTS, "current": 7},
        {"question": "no.such.question", "current": 3},
        {"question": "market.customers.lost"},
        {"question": "market.value.statement", "current": 2, "target": 9},
        {
            "question": "market.value.promise_kept",
            "current": 2,
            "comment": "x" * (COMMENT_MAX_LENGTH + 1),
        },
        {"question": FEEDBACK, "current": 1},
    ]
    response = _post_answers(token_client(owner), open_cycle, answers)
    assert response.status_code == 400
    errors = {int(k): v for k, v in response.json()["answers"].items()}
    assert 0 not in errors, "a valid answer has no message"
    assert errors[1] == {"current": ["Pick a whole number from 1 to 5, or “don't know”."]}
    assert errors[2] == {"question": ["This question is not part of this questionnaire."]}
    assert errors[3] == {
        "current": ["Pick a point on the scale, or “don't know”, to save this answer."]
    }
    assert errors[4] == {"target": ["The target must be a whole number from 1 to 5."]}
    assert errors[5]["comment"][0].startswith("Keep the comment under")
    assert errors[6] == {
        "question": ["This question is answered twice in the set (first at position 0)."]
    }
    assert not Response.objects.filter(assessment=open_cycle, user=owner).exists()


def test_a_malformed_body_is_a_400_not_a_crash(owner, open_cycle):
    client = token_client(owner)
    url = f"/api/cycles/{open_cycle.pk}/answers/"
    assert client.post(url, {"answers": []}, format="json").status_code == 400
    assert client.post(url, {"answers": "lots"}, format="json").status_code == 400
    bad_type = client.post(
        url, {"answers": [{"question": FEEDBACK, "current": [3]}]}, format="json"
    )
    assert bad_type.status_code == 400
    assert bad_type.json()["answers"]["0"]["current"] == ["Give a string, a whole number or null."]
    assert client.post(url, "[1, 2]", content_type="application/json").status_code == 400
    flood = [{"question": FEEDBACK, "current": 3}] * 501
    too_many = client.post(url, {"answers": flood}, format="json")
    assert too_many.status_code == 400
    assert "no more than 500" in str(too_many.json()["answers"])
    assert not Response.objects.filter(assessment=open_cycle, user=owner).exists()


def test_a_closed_cycle_takes_no_answers(manager, scored):
    response = _post_answers(token_client(manager), scored, [{"question": FEEDBACK, "current": 3}])
    assert response.status_code == 409
    assert response.json()["detail"] == "This cycle is closed: answers can no longer change."
    assert not Response.objects.filter(assessment=scored, user=manager).exists()


def test_a_consultant_does_not_answer_for_the_client(consultant, open_cycle):
    response = _post_answers(
        token_client(consultant), open_cycle, [{"question": FEEDBACK, "current": 3}]
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only members of the organization answer its questionnaire."
    assert not Response.objects.filter(user=consultant).exists()


def test_an_outsider_cannot_write_answers(outsider, open_cycle):
    response = _post_answers(
        token_client(outsider), open_cycle, [{"question": FEEDBACK, "current": 3}]
    )
    assert response.status_code == 404
    assert not Response.objects.filter(user=outsider).exists()


# --- Action items ------------------------------------------------------------------------------


def _item(scored) -> ActionItem:
    return scored.action_items.order_by("position").first()


def test_owner_marks_an_item_done_and_notes_progress(owner, scored):
    item = _item(scored)
    due, assignee = item.due, item.assignee
    response = token_client(owner).patch(
        f"/api/action-items/{item.pk}/",
        {"status": "done", "progress_note": "  Survey sent to 40 customers.  "},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done"
    assert body["progress_note"] == "Survey sent to 40 customers."
    assert body["completed_at"] is not None
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert (item.due, item.assignee) == (due, assignee)  # fields not sent stay as they were


def test_consultant_moves_an_item_in_progress_and_reschedules(consultant, scored):
    item = _item(scored)
    new_due = item.start + timedelta(days=60)
    response = token_client(consultant).patch(
        f"/api/action-items/{item.pk}/",
        {"status": "in_progress", "due": new_due.isoformat(), "assignee": "Head baker"},
        format="json",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.due, item.assignee) == ("in_progress", new_due, "Head baker")


def test_item_rules_are_the_plan_pages(owner, scored):
    item = _item(scored)
    before = (item.status, item.due, item.progress_note)
    client = token_client(owner)
    early = (item.start - timedelta(days=1)).isoformat()
    response = client.patch(f"/api/action-items/{item.pk}/", {"due": early}, format="json")
    assert response.status_code == 400
    assert response.json()["due"] == [
        f"The due date can't be before the action starts ({date_format(item.start, 'DATE_FORMAT')})."
    ]
    response = client.patch(f"/api/action-items/{item.pk}/", {"status": "finished"}, format="json")
    assert response.status_code == 400
    assert "finished is not one of the available choices" in response.json()["status"][0]
    response = client.patch(f"/api/action-items/{item.pk}/", {"due": "next week"}, format="json")
    assert response.json()["due"] == ["Enter a valid date."]
    item.refresh_from_db()
    assert (item.status, item.due, item.progress_note) == before


def test_a_manager_reads_but_does_not_edit_the_plan(manager, scored):
    item = _item(scored)
    client = token_client(manager)
    assert client.get(f"/api/action-items/{item.pk}/").status_code == 200
    response = client.patch(f"/api/action-items/{item.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only owners and consultants can edit the action plan."
    item.refresh_from_db()
    assert item.status == ActionItem.Status.TODO


def test_an_outsider_cannot_edit_an_item(outsider, scored):
    item = _item(scored)
    response = token_client(outsider).patch(
        f"/api/action-items/{item.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == ActionItem.Status.TODO


def test_items_cannot_be_replaced_or_deleted(owner, scored):
    item = _item(scored)
    client = token_client(owner)
    assert client.put(f"/api/action-items/{item.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/action-items/{item.pk}/").status_code == 405


# --- Rebuilds ----------------------------------------------------------------------------------


def test_owner_asks_for_a_rebuild(owner, scored, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "reports.services.report_enqueue", lambda *, report_id: queued.append(report_id)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(owner).post(f"/api/cycles/{scored.pk}/rebuild/")
    assert response.status_code == 202
    assert response.json()["report_status"] == "queued"
    report = Report.objects.get(assessment=scored)
    assert report.status == Report.Status.QUEUED
    assert queued == [report.pk]
    assert report.result is not None, "the earlier result stays until the new build replaces it"


def test_an_open_cycle_is_not_rebuilt(owner, open_cycle):
    response = token_client(owner).post(f"/api/cycles/{open_cycle.pk}/rebuild/")
    assert response.status_code == 409
    assert (
        response.json()["detail"]
        == "Close the cycle first: its report is built from the final answers."
    )
    assert not Report.objects.filter(assessment=open_cycle).exists()


def test_a_manager_cannot_rebuild_and_an_outsider_sees_nothing(manager, outsider, scored):
    assert token_client(manager).post(f"/api/cycles/{scored.pk}/rebuild/").status_code == 403
    assert token_client(outsider).post(f"/api/cycles/{scored.pk}/rebuild/").status_code == 404
    assert Report.objects.get(assessment=scored).status == Report.Status.READY


def test_rebuilds_are_rate_limited_per_user(consultant, owner, scored, monkeypatch):
    monkeypatch.setattr("reports.services.report_enqueue", lambda *, report_id: True)
    client = token_client(consultant)
    statuses = [client.post(f"/api/cycles/{scored.pk}/rebuild/").status_code for _ in range(11)]
    assert statuses == [202] * 10 + [429]
    refused = client.post(f"/api/cycles/{scored.pk}/rebuild/")
    assert "throttled" in refused.json()["detail"].lower()
    assert int(refused["Retry-After"]) > 0
    # Another person's allowance is their own.
    assert token_client(owner).post(f"/api/cycles/{scored.pk}/rebuild/").status_code == 202
    cache.clear()
    assert client.post(f"/api/cycles/{scored.pk}/rebuild/").status_code == 202


def test_consultant_leaves_a_note_and_other_fields_stay(consultant, scored):
    item = _item(scored)
    before = (item.status, item.due, item.assignee, item.progress_note)
    response = token_client(consultant).patch(
        f"/api/action-items/{item.pk}/",
        {"consultant_note": "Start with the ten biggest customers."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["consultant_note"] == "Start with the ten biggest customers."
    item.refresh_from_db()
    assert item.consultant_note == "Start with the ten biggest customers."
    assert (item.status, item.due, item.assignee, item.progress_note) == before


def test_an_answer_set_costs_the_same_queries_however_many_answers_it_holds(owner, open_cycle):
    codes = [question.code for question in bank_layout(open_cycle.bank).questions.values()]
    client = token_client(owner)
    _post_answers(client, open_cycle, [{"question": FEEDBACK, "current": 1}])  # makes the response
    counts = []
    for size in (3, len(codes)):
        answers = [{"question": code, "current": 2} for code in codes[:size]]
        with CaptureQueriesContext(connection) as queries:
            reply = _post_answers(client, open_cycle, answers, submit=size == len(codes))
        assert reply.status_code == 200, reply.json()
        counts.append(len(queries))
    assert counts[0] == counts[1] - 1, counts  # the submit is the one more
    assert counts[1] <= API_ANSWER_SET_MAX_QUERIES, counts
    mine = Answer.objects.filter(response__user=owner, response__assessment=open_cycle)
    assert mine.filter(current=2).count() == len(codes)
