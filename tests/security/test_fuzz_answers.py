"""Fuzzing the answer-saving endpoints: any input gets a clear answer, never a 500, and what was
saved before stays as it was unless the new input is valid."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Answer
from assessments.services import invitations
from assessments.services.cycles import COMMENT_MAX_LENGTH
from banks.models import Question
from organizations.models import Level

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCALE_TEXT = st.sampled_from(
    [
        "1",
        "3",
        "5",
        "dk",
        "0",
        "6",
        "-1",
        "2.5",
        "1e3",
        " 3",
        "3 ",
        "３",
        "NaN",
        "",
        "null",
        "99999999999999999999",
    ]
)
ANY_TEXT = st.text(max_size=40)
VALUE = st.one_of(SCALE_TEXT, ANY_TEXT)
COMMENT = st.one_of(
    st.text(max_size=200),
    st.integers(COMMENT_MAX_LENGTH - 2, COMMENT_MAX_LENGTH + 50).map(lambda n: "x" * n),
    st.just("<script>alert(1)</script>\x00nul"),
)


def _question_ids(assessment) -> list[int]:
    return list(
        Question.objects.filter(area__dimension__bank=assessment.bank).values_list("pk", flat=True)
    )


def _payloads(question_ids: list[int]):
    question = st.one_of(
        st.sampled_from(question_ids).map(str),
        st.integers(-5, 10**12).map(str),
        ANY_TEXT,
        st.just(""),
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "question": question,
            "current": VALUE,
            "target": VALUE,
            "comment": COMMENT,
            "step": ANY_TEXT,
            "beacon": st.sampled_from(["", "1"]),
        },
    )


def _saved(response_filter) -> dict[int, tuple]:
    return {
        a.question_id: (a.current, a.target, a.comment)
        for a in Answer.objects.filter(**response_filter)
    }


def _check(page, before: dict, after: dict, payload: dict, *, may_target: bool) -> None:
    assert page.status_code in {200, 204, 302, 409, 422}, (page.status_code, payload)
    if page.status_code >= 400:
        assert after == before, payload
        if page.status_code != 204 and "beacon" not in payload:
            assert page.content.strip(), "a refusal says why"
        return
    changed = {q for q in set(before) | set(after) if before.get(q) != after.get(q)}
    assert changed <= {int(payload["question"])} if changed else True
    for current, target, comment in after.values():
        assert current is None or 1 <= current <= 5
        assert target is None or (may_target and 1 <= target <= 5)
        assert len(comment) <= COMMENT_MAX_LENGTH
        assert "\x00" not in comment


def test_fuzz_the_owners_save(owner_client, assessment, owner):
    url = reverse("assessments:save", args=[assessment.pk])
    # One good answer first: fuzzing must never lose it unless it validly replaces it.
    first = _question_ids(assessment)[0]
    ok = owner_client.post(url, {"question": first, "current": "4"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200

    @FUZZ
    @given(payload=_payloads(_question_ids(assessment)), htmx=st.booleans())
    def run(payload, htmx):
        before = _saved({"response__user": owner})
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        page = owner_client.post(url, payload, **headers)
        after = _saved({"response__user": owner})
        if not htmx and page.status_code == 302:
            # Without htmx every outcome redirects back with a message; the data rule still holds.
            ok_message = any(m.level_tag == "success" for m in page.wsgi_request._messages)
            if not ok_message:
                assert after == before, payload
            return
        _check(page, before, after, payload, may_target=True)

    run()


def test_fuzz_the_respondents_save(client, assessment):
    start = len(mail.outbox)
    invitations.invitations_create(
        assessment=assessment, entries=[("sam@example.com", Level.STAFF)], site_url="http://t/"
    )
    token = re.search(r"/respond/([A-Za-z0-9_-]+)/", mail.outbox[start].body).group(1)
    url = reverse("assessments:respond_save", args=[token])
    first = _question_ids(assessment)[0]
    assert (
        client.post(url, {"question": first, "current": "2"}, HTTP_HX_REQUEST="true").status_code
        == 200
    )

    @FUZZ
    @given(payload=_payloads(_question_ids(assessment)))
    def run(payload):
        before = _saved({"response__invitation__email": "sam@example.com"})
        page = client.post(url, payload, HTTP_HX_REQUEST="true")
        after = _saved({"response__invitation__email": "sam@example.com"})
        _check(page, before, after, payload, may_target=False)

    run()
