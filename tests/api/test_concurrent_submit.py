"""Many people handing in their answers through the API at once, into one cycle.

Each submitter has their own token and their own response, so nothing they do should wait on
another for long, and nothing may fail: a submit locks its own response, never the shared cycle.
"""

import threading

import pytest
from django.db import connection, connections

from assessments.models import Answer, Response
from assessments.services.cycles import assessment_start
from banks.services import bank_layout
from organizations.models import Membership
from tests.api.conftest import token_client
from tests.organizations.factories import MembershipFactory

SUBMITTERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_api_submits_into_one_cycle_all_succeed(
    organization, owner, default_bank
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; row-lock deadlocks need PostgreSQL")

    cycle = assessment_start(organization=organization, user=owner, label="rush")
    codes = [question.code for question in bank_layout(cycle.bank).questions.values()]
    managers = [
        MembershipFactory(organization=organization, role=Membership.Role.MANAGER).user
        for _ in range(SUBMITTERS)
    ]
    clients = [token_client(user) for user in managers]
    connections.close_all()  # each thread opens its own connection
    barrier = threading.Barrier(SUBMITTERS)
    statuses: list[int] = []
    failures: list[str] = []

    def submit(number: int) -> None:
        answers = [
            {"question": code, "current": 1 + (number + position) % 5}
            for position, code in enumerate(codes)
        ]
        try:
            barrier.wait()
            reply = clients[number].post(
                f"/api/cycles/{cycle.pk}/answers/",
                {"answers": answers, "submit": True},
                format="json",
            )
            statuses.append(reply.status_code)
            if reply.status_code != 200:
                failures.append(f"{reply.status_code}: {reply.content[:300]!r}")
        except Exception as exc:  # collected and asserted on below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert statuses == [200] * SUBMITTERS
    responses = Response.objects.filter(assessment=cycle, user__in=managers)
    assert responses.count() == SUBMITTERS
    assert not responses.filter(submitted_at__isnull=True).exists()
    assert Answer.objects.filter(response__in=responses).count() == SUBMITTERS * len(codes)
