"""Autosave is the busiest request: its SQL stays small and fixed, for members and respondents.

Fifty people answering at once each send one of these per click (DESIGN.md section 9).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.assessments.test_invitations import HTMX, first_question, invite, respond_url

pytestmark = pytest.mark.django_db

# Counted on the test database, where the write's transaction is a savepoint pair (2 queries).
# A respondent: invitation (with cycle, bank, response), the response and its cycle read under
# shared locks, upsert, progress. The questions come from the bank's cached layout.
RESPONDENT_MAX_QUERIES = 6
# A member also has a session, a user, the cycle, a role and their response to look up.
MEMBER_MAX_QUERIES = 10
BANK_TABLES = ('"assessments_question"', '"assessments_area"', '"assessments_dimension"')


def _second_save_queries(client, url, question):
    client.post(url, {"question": question.pk, "current": "2"}, **HTMX)  # creates the response
    with CaptureQueriesContext(connection) as queries:
        reply = client.post(url, {"question": question.pk, "current": "4"}, **HTMX)
    assert reply.status_code == 200, reply.content
    return [q["sql"] for q in queries.captured_queries]


def test_a_respondents_autosave_runs_a_small_fixed_number_of_queries(client, assessment):
    [token] = invite(assessment, ("sam@example.com", "staff"))
    sql = _second_save_queries(
        client, respond_url(token, "respond_save"), first_question(assessment)
    )
    assert len(sql) <= RESPONDENT_MAX_QUERIES, "\n".join(sql)


def test_a_members_autosave_runs_a_small_fixed_number_of_queries(owner_client, assessment):
    sql = _second_save_queries(
        owner_client,
        reverse("assessments:save", args=[assessment.pk]),
        first_question(assessment),
    )
    assert len(sql) <= MEMBER_MAX_QUERIES, "\n".join(sql)


def test_questionnaire_pages_and_saves_read_a_published_bank_from_the_cache(client, assessment):
    [token] = invite(assessment, ("sam@example.com", "staff"))
    question = first_question(assessment)
    step_url = respond_url(token, "respond_step", question.area.dimension.code)
    client.get(step_url)  # the first request of the process may read the bank
    with CaptureQueriesContext(connection) as queries:
        page = client.get(step_url)
        save = client.post(
            respond_url(token, "respond_save"), {"question": question.pk, "current": "3"}, **HTMX
        )
    assert (page.status_code, save.status_code) == (200, 200)
    assert question.text in page.content.decode()
    bank_reads = [
        q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in BANK_TABLES)
    ]
    assert bank_reads == []
