"""The questionnaire's batch save: one request per few seconds of changes, the latest value wins.

The page numbers every change (`seq`); a batch that arrives late never overwrites an answer
saved from a later change, and whose answers they are comes from the URL, never the body.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Response
from assessments.services import cycles
from banks.models import Question
from banks.selectors import bank_target
from organizations.models import Level
from tests.accounts.factories import UserFactory
from tests.assessments.test_invitations import invite, respond_url
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def questions(assessment, dimension=None):
    rows = Question.objects.filter(area__dimension__bank=assessment.bank)
    if dimension:
        rows = rows.filter(area__dimension__code=dimension)
    return list(rows.order_by("area__dimension__position", "area__position", "position"))


def post(client, url, body, **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **extra)


def change(question, current, seq, **extra):
    return {"question": question.code, "current": current, "seq": seq, **extra}


def stored(response=None):
    rows = Answer.objects.all() if response is None else response.answers.all()
    return dict(rows.values_list("question__code", "current"))


@pytest.fixture
def respondent(assessment):
    """Return the batch URL of a staff respondent's personal link."""
    [token] = invite(assessment, ("sam@example.com", Level.STAFF))
    return respond_url(token, "respond_save_batch")


def test_a_batch_saves_every_change_and_reports_each_one_back(client, assessment, respondent):
    step = questions(assessment, "market")
    body = [change(q, (i % 5) + 1, 100 + i) for i, q in enumerate(step)]
    body[3]["current"] = None  # "don't know"
    body[4]["comment"] = "Only when someone complains."
    reply = post(client, respondent, body)
    assert reply.status_code == 200, reply.content
    data = reply.json()
    assert {(s["question"], s["seq"]) for s in data["saved"]} == {
        (c["question"], c["seq"]) for c in body
    }
    assert data["progress"]["market"] == [len(step), len(step)]
    assert data["progress"]["*"] == [len(step), len(questions(assessment))]
    assert stored() == {c["question"]: c["current"] for c in body}
    assert Answer.objects.get(question=step[4]).comment == "Only when someone complains."
    assert Response.objects.get().level == Level.STAFF


def test_within_a_batch_the_highest_sequence_number_wins(client, assessment, respondent):
    q = questions(assessment)[0]
    reply = post(client, respondent, [change(q, 2, 9), change(q, 4, 7), change(q, 5, 8)])
    assert reply.status_code == 200
    assert reply.json()["saved"] == [{"question": q.code, "seq": 9}]
    assert stored() == {q.code: 2}


def test_a_stale_batch_arriving_late_never_overwrites_a_newer_answer(
    client, assessment, respondent
):
    first, second = questions(assessment)[:2]
    assert (
        post(client, respondent, [change(first, 4, 20), change(second, 4, 21)]).status_code == 200
    )
    # An older batch (a retry that was still on its way) lands after the newer one.
    late = post(client, respondent, [change(first, 1, 10), change(second, 1, 22)])
    assert late.status_code == 200
    assert {s["question"] for s in late.json()["saved"]} == {first.code, second.code}
    assert stored() == {first.code: 4, second.code: 1}  # only the newer change applied
    assert Answer.objects.get(question=first).client_seq == 20
    # A later change still lands.
    assert post(client, respondent, [change(first, 5, 23)]).status_code == 200
    assert stored()[first.code] == 5


def test_an_owner_states_targets_and_keeping_the_suggestion_stores_none(client, owner, assessment):
    client.force_login(owner)
    first, second = questions(assessment)[:2]
    discipline = assessment.strategy_snapshot["value_discipline"]
    suggested = bank_target(question=first, discipline=discipline)
    own = 5 if bank_target(question=second, discipline=discipline) != 5 else 4
    url = reverse("assessments:save_batch", args=[assessment.pk])
    reply = post(
        client, url, [change(first, 3, 1, target=suggested), change(second, 2, 2, target=own)]
    )
    assert reply.status_code == 200, reply.content
    targets = dict(Answer.objects.values_list("question_id", "target"))
    assert targets == {first.pk: None, second.pk: own}
    assert Response.objects.get().level == Level.OWNER


def test_an_empty_batch_changes_nothing(client, respondent):
    reply = post(client, respondent, [])
    assert reply.status_code == 200
    assert not Response.objects.exists()


HOSTILE_BODIES = {
    "not json": (b"{not json", "not valid JSON"),
    "an object, not a list": ({"question": "market.customers.feedback", "current": 3}, "list"),
    "a number": (42, "list"),
    "a list of strings": (["market.customers.feedback"], "object"),
    "unknown question code": ([{"question": "nope.nope", "current": 3, "seq": 1}], "not part"),
    "question by number": ([{"question": 1, "current": 3, "seq": 1}], "not part"),
    "current above the scale": ([{"question": "Q", "current": 6, "seq": 1}], "1 to 5"),
    "current below the scale": ([{"question": "Q", "current": 0, "seq": 1}], "1 to 5"),
    "current as text": ([{"question": "Q", "current": "3", "seq": 1}], "1 to 5"),
    "current as a boolean": ([{"question": "Q", "current": True, "seq": 1}], "1 to 5"),
    "current missing": ([{"question": "Q", "seq": 1}], "Pick a point"),
    "no sequence number": ([{"question": "Q", "current": 3}], "sequence"),
    "negative sequence": ([{"question": "Q", "current": 3, "seq": -1}], "sequence"),
    "fractional sequence": ([{"question": "Q", "current": 3, "seq": 1.5}], "sequence"),
    "huge sequence": ([{"question": "Q", "current": 3, "seq": 2**60}], "sequence"),
    "a respondent's target": ([{"question": "Q", "current": 3, "target": 4, "seq": 1}], "owner"),
    "comment too long": (
        [{"question": "Q", "current": 3, "comment": "x" * 2001, "seq": 1}],
        "2000",
    ),
    "comment not text": ([{"question": "Q", "current": 3, "comment": ["x"], "seq": 1}], "text"),
    "another response's id": (
        [{"question": "Q", "current": 3, "seq": 1, "response": 1}],
        "Unexpected field",
    ),
    "too many changes": (
        [{"question": "Q", "current": 3, "seq": n} for n in range(1, 600)],
        "Too many",
    ),
    "a huge body": (b"[" + b" " * 1_100_000 + b"]", "Too many"),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
def test_a_hostile_batch_is_refused_with_a_message_and_nothing_is_saved(
    client, assessment, respondent, name
):
    code = questions(assessment)[0].code
    body, message = HOSTILE_BODIES[name]
    if isinstance(body, list):
        body = json.loads(json.dumps(body).replace('"Q"', json.dumps(code)))
    good = change(questions(assessment)[1], 3, 1)
    if isinstance(body, list) and body and isinstance(body[0], dict) and len(body) < 10:
        body = [good, *body]  # one bad change refuses the whole batch
    reply = post(client, respondent, body)
    assert reply.status_code == 400, reply.content
    assert message in reply.json()["error"]
    assert not Answer.objects.exists()


def test_a_bad_change_is_named_by_its_question(client, assessment, respondent):
    first, second = questions(assessment)[:2]
    reply = post(client, respondent, [change(first, 3, 1), change(second, 9, 2)])
    assert reply.status_code == 400
    assert list(reply.json()["errors"]) == [second.code]


def test_a_respondent_writes_only_their_own_response(client, assessment):
    mine, theirs = invite(
        assessment, ("sam@example.com", Level.STAFF), ("kim@example.com", Level.STAFF)
    )
    q = questions(assessment)[0]
    assert (
        post(client, respond_url(theirs, "respond_save_batch"), [change(q, 1, 1)]).status_code
        == 200
    )
    other = Response.objects.get()
    reply = post(
        client, respond_url(mine, "respond_save_batch"), [{**change(q, 5, 2), "response": other.pk}]
    )
    assert reply.status_code == 400
    assert (
        post(client, respond_url(mine, "respond_save_batch"), [change(q, 5, 3)]).status_code == 200
    )
    assert stored(other) == {q.code: 1}
    assert stored(Response.objects.exclude(pk=other.pk).get()) == {q.code: 5}


def test_a_question_of_another_bank_is_refused(client, assessment, respondent, other_bank):
    foreign = Question.objects.filter(area__dimension__bank=other_bank).first()
    assert foreign.code not in {q.code for q in questions(assessment)}
    reply = post(client, respondent, [change(foreign, 3, 1)])
    assert reply.status_code == 400
    assert not Answer.objects.exists()


def test_a_bad_link_is_refused(client, assessment):
    reply = post(client, respond_url("not-a-token", "respond_save_batch"), [])
    assert reply.status_code == 404


def test_no_batch_lands_once_the_cycle_is_closed(client, assessment, respondent, owner):
    q = questions(assessment)[0]
    assert post(client, respondent, [change(q, 2, 1)]).status_code == 200
    # A cycle closes only once somebody has submitted: a manager hands in their answers.
    manager = MembershipFactory(organization=assessment.organization, role="manager").user
    handed_in = cycles.response_for_member(assessment=assessment, user=manager, role="manager")
    cycles.response_submit(response=handed_in)
    cycles.assessment_close(assessment=assessment)
    assert post(client, respondent, [change(q, 5, 2)]).status_code == 410  # the link is closed
    client.force_login(owner)
    url = reverse("assessments:save_batch", args=[assessment.pk])
    reply = post(client, url, [change(q, 5, 3)])
    assert reply.status_code == 409
    assert "closed" in reply.json()["error"]
    assert stored() == {q.code: 2}


def test_no_batch_lands_after_the_member_submitted(client, owner, assessment):
    client.force_login(owner)
    url = reverse("assessments:save_batch", args=[assessment.pk])
    q = questions(assessment)[0]
    assert post(client, url, [change(q, 2, 1)]).status_code == 200
    cycles.response_submit(response=Response.objects.get())
    reply = post(client, url, [change(q, 5, 2)])
    assert reply.status_code == 409
    assert stored() == {q.code: 2}


def test_people_outside_the_organization_cannot_write(client, assessment):
    client.force_login(MembershipFactory(user=UserFactory()).user)
    url = reverse("assessments:save_batch", args=[assessment.pk])
    reply = post(client, url, [change(questions(assessment)[0], 2, 1)])
    assert reply.status_code == 404
    client.logout()
    reply = post(client, url, [change(questions(assessment)[0], 2, 1)])
    assert reply.status_code == 302  # to the log-in page
    assert not Answer.objects.exists()


def test_the_batch_needs_the_csrf_token(assessment, respondent):
    client = Client(enforce_csrf_checks=True)
    page = client.get(respondent.replace("batch/", "market/"))
    token = page.cookies["csrftoken"].value
    q = questions(assessment)[0]
    assert post(client, respondent, [change(q, 2, 1)]).status_code == 403
    assert not Answer.objects.exists()
    reply = post(client, respondent, [change(q, 2, 1)], HTTP_X_CSRFTOKEN=token)
    assert reply.status_code == 200
    assert stored() == {q.code: 2}


# A respondent: invitation (with cycle, bank and response), transaction, state under shared
# locks, upsert, progress: the same handful whether the batch holds one answer or all 64.
BATCH_MAX_QUERIES = 7


@pytest.mark.parametrize("size", [1, 16, 64])
def test_a_batch_runs_a_fixed_number_of_queries_whatever_its_size(
    client, assessment, respondent, django_assert_max_num_queries, size
):
    everything = questions(assessment)
    assert post(client, respondent, [change(everything[0], 1, 1)]).status_code == 200  # starts
    body = [change(q, 3, 10 + i) for i, q in enumerate(everything[:size])]
    with django_assert_max_num_queries(BATCH_MAX_QUERIES):
        reply = post(client, respondent, body)
    assert reply.status_code == 200
    assert len(stored()) == max(size, 1)
