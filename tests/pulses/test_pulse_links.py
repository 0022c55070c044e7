"""The pulse page behind a personal link: saving, sending, the token rules and who sees what."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.models import Membership
from pulses.models import Pulse, PulseAnswer, PulseLink, PulseSettings
from pulses.services import pulses_close_due
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory
from tests.pulses.conftest import STAFF, later

pytestmark = pytest.mark.django_db


def codes_of(pulse: Pulse) -> list[str]:
    return list(pulse.pulse_questions.order_by("position").values_list("question__code", flat=True))


def post_batch(client, token, changes):
    return client.post(
        reverse("pulses:save", args=[token]),
        data=json.dumps(changes),
        content_type="application/json",
    )


def answer_all(client, pulse, token, value=3, seq=1):
    changes = [{"question": code, "current": value, "seq": seq} for code in codes_of(pulse)]
    assert post_batch(client, token, changes).status_code == 200
    return client.post(reverse("pulses:submit", args=[token]))


def test_the_page_shows_the_pulse_questions(client, opened):
    pulse, tokens = opened
    page = client.get(reverse("pulses:respond", args=[tokens[STAFF[0]]]))
    assert page.status_code == 200
    body = page.content.decode()
    for pq in pulse.pulse_questions.select_related("question"):
        assert f'data-code="{pq.question.code}"' in body
    assert "js/wizard.js" in body  # the questionnaire's own autosave
    assert "Crumb &amp; Co" in body


def test_batch_save_keeps_the_newest_change(client, opened):
    pulse, tokens = opened
    token = tokens[STAFF[0]]
    code = codes_of(pulse)[0]
    reply = post_batch(client, token, [{"question": code, "current": 4, "seq": 5}])
    assert reply.status_code == 200
    assert reply.json()["saved"] == [{"question": code, "seq": 5}]
    post_batch(client, token, [{"question": code, "current": 1, "seq": 3}])  # late, older
    post_batch(client, token, [{"question": code, "current": None, "seq": 6}])  # don't know
    answer = PulseAnswer.objects.get(link__email=STAFF[0])
    assert (answer.current, answer.client_seq) == (None, 6)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"question": "QUESTION", "current": 9, "seq": 1}, "1 to 5"),
        ({"question": "QUESTION", "current": 3, "seq": 1, "comment": "hi"}, "rating only"),
        ({"question": "QUESTION", "current": 3, "seq": 1, "target": 4}, "owner"),
        ({"question": "QUESTION", "current": 3}, "sequence"),
        ({"question": "organizational.culture.change", "current": 3, "seq": 1}, "not part"),
    ],
)
def test_hostile_changes_are_refused_with_a_message(client, opened, change, message):
    pulse, tokens = opened
    if change["question"] == "QUESTION":
        change["question"] = codes_of(pulse)[0]
    else:
        assert change["question"] not in codes_of(pulse)
    reply = post_batch(client, tokens[STAFF[0]], [change])
    assert reply.status_code == 400
    assert message in reply.json()["error"]
    assert not PulseAnswer.objects.exists()


def test_garbage_is_refused(client, opened):
    _pulse, tokens = opened
    reply = client.post(
        reverse("pulses:save", args=[tokens[STAFF[0]]]),
        data=b"{not json",
        content_type="application/json",
    )
    assert reply.status_code == 400
    assert "JSON" in reply.json()["error"]


def test_saving_without_javascript(client, opened):
    pulse, tokens = opened
    token = tokens[STAFF[1]]
    code = codes_of(pulse)[1]
    reply = client.post(reverse("pulses:save", args=[token]), {"question": code, "current": "dk"})
    assert reply.status_code == 302
    assert PulseAnswer.objects.get(link__email=STAFF[1]).current is None
    reply = client.post(
        reverse("pulses:save", args=[token]), {"question": code, "current": "7"}, follow=True
    )
    assert "Pick a whole number from 1 to 5" in reply.content.decode()


def test_a_link_is_used_once(client, opened):
    pulse, tokens = opened
    token = tokens[STAFF[0]]
    reply = client.post(reverse("pulses:submit", args=[token]), follow=True)
    assert "Answer at least one question" in reply.content.decode()
    assert answer_all(client, pulse, token).url == reverse("pulses:thanks")
    again = client.get(reverse("pulses:respond", args=[token]))
    assert again.status_code == 410
    assert "Your answers are in" in again.content.decode()
    late = post_batch(client, token, [{"question": codes_of(pulse)[0], "current": 1, "seq": 9}])
    assert late.status_code == 410
    assert client.post(reverse("pulses:submit", args=[token])).status_code == 410


@pytest.mark.parametrize(
    "token", ["x" * 43, "x" * 500, "%00", "a.b~c"], ids=["unknown", "long", "nul", "dots"]
)
def test_a_tampered_link_is_a_clear_404(client, opened, token):
    reply = client.get(f"/app/pulse/{token}/")
    assert reply.status_code == 404
    assert "We do not recognise this link" in reply.content.decode()
    assert client.post(f"/app/pulse/{token}/submit/").status_code == 404


def test_a_changed_character_opens_nothing(client, opened):
    _pulse, tokens = opened
    token = tokens[STAFF[0]]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("pulses:respond", args=[tampered])).status_code == 404


def test_an_expired_or_closed_pulse_is_a_clear_410(client, opened):
    pulse, tokens = opened
    PulseLink.objects.filter(email=STAFF[0]).update(expires_at=timezone.now() - timedelta(1))
    reply = client.get(reverse("pulses:respond", args=[tokens[STAFF[0]]]))
    assert reply.status_code == 410
    assert "This pulse is over" in reply.content.decode()
    assert pulses_close_due(now=later(8)) == [pulse.pk]
    reply = client.get(reverse("pulses:respond", args=[tokens[STAFF[1]]]))
    assert reply.status_code == 410
    assert "closed" in reply.content.decode()


def test_results_stay_hidden_below_three_people_besides_the_owner(client, opened, owner_client):
    pulse, tokens = opened
    answer_all(client, pulse, tokens["owner@example.com"], value=5)
    for email in STAFF[:2]:
        answer_all(client, pulse, tokens[email], value=2)
    pulse.refresh_from_db()
    assert (pulse.respondents, pulse.others, pulse.result) == (3, 2, None)
    page = owner_client.get(reverse("pulses:detail", args=[pulse.pk]))
    assert "so far 2 have" in page.content.decode()
    answer_all(client, pulse, tokens[STAFF[2]], value=2)
    pulse.refresh_from_db()
    assert pulse.others == 3
    first = pulse.result["questions"][0]
    # Owner 5, staff 2: the mean of the level means is 3.5 whatever the head count.
    assert first["current"] == pytest.approx(3.5)
    page = owner_client.get(reverse("pulses:detail", args=[pulse.pk]))
    assert page.status_code == 200
    assert "3.5" in page.content.decode()


def test_a_link_answers_nothing_of_another_organization(client, opened, default_bank):
    pulse, tokens = opened
    # A second bakery on the same bank, with its own pulse.
    from tests.pulses.conftest import tokens_mailed
    from tests.scenarios import scored_cycle

    other_owner = UserFactory(email="owner@rival.example")
    rival = MembershipFactory(user=other_owner, organization__name="Rival Rolls").organization
    scored_cycle(rival, default_bank, label="R1", days_ago=10)
    PulseSettings.objects.create(organization=rival, cadence="biweekly")
    from pulses.services import pulses_open_due

    (rival_pulse_id,) = pulses_open_due()
    rival_token = tokens_mailed()["owner@rival.example"]
    rival_codes = codes_of(Pulse.objects.get(pk=rival_pulse_id))
    foreign = [code for code in rival_codes if code not in codes_of(pulse)]
    ours = tokens[STAFF[0]]
    if foreign:
        reply = post_batch(client, ours, [{"question": foreign[0], "current": 2, "seq": 1}])
        assert reply.status_code == 400
    # The same question in both pulses: saving through our link touches only our answers.
    shared = next(code for code in rival_codes if code in codes_of(pulse))
    assert (
        post_batch(client, ours, [{"question": shared, "current": 2, "seq": 1}]).status_code == 200
    )
    assert not PulseAnswer.objects.filter(link__pulse_id=rival_pulse_id).exists()
    page = client.get(reverse("pulses:respond", args=[rival_token])).content.decode()
    assert "Rival Rolls" in page
    assert "Crumb &amp; Co" not in page


def test_every_organization_url_is_404_for_outsiders(client, opened, owner):
    pulse, _tokens = opened
    outsider = UserFactory(email="nosy@example.com")
    MembershipFactory(user=outsider)  # owns a business of their own
    client.force_login(outsider)
    organization = pulse.organization
    assert client.get(reverse("pulses:list", args=[organization.pk])).status_code == 404
    assert client.get(reverse("pulses:detail", args=[pulse.pk])).status_code == 404
    reply = client.post(reverse("pulses:cadence", args=[organization.pk]), {"cadence": "off"})
    assert reply.status_code == 404
    assert PulseSettings.objects.get(organization=organization).cadence == "monthly"
    assert client.get(reverse("clients:dashboard", args=[organization.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, opened):
    pulse, _tokens = opened
    reply = client.get(reverse("pulses:detail", args=[pulse.pk]))
    assert reply.status_code == 302
    assert "/accounts/login/" in reply.url


def test_only_an_owner_sets_the_cadence(organization, owner_client):
    manager = UserFactory(email="mia@crumb.example")
    MembershipFactory(user=manager, organization=organization, role=Membership.Role.MANAGER)
    client = Client()
    client.force_login(manager)
    url = reverse("pulses:cadence", args=[organization.pk])
    assert client.post(url, {"cadence": "monthly"}).status_code == 403
    assert not PulseSettings.objects.exists()
    page = owner_client.get(reverse("organizations:settings", args=[organization.pk]))
    assert "Pulse check-ins" in page.content.decode()
    reply = owner_client.post(url, {"cadence": "weekly"}, follow=True)
    assert "Choose off, every two weeks or monthly." in reply.content.decode()
    reply = owner_client.post(url, {"cadence": "biweekly"}, follow=True)
    assert "The pulse cadence is saved." in reply.content.decode()
    assert PulseSettings.objects.get(organization=organization).cadence == "biweekly"


def test_a_save_runs_a_few_queries_for_one_answer_or_ten(client, opened):
    pulse, tokens = opened
    token = tokens[STAFF[0]]
    codes = codes_of(pulse)
    post_batch(client, token, [{"question": codes[0], "current": 1, "seq": 1}])  # warm caches
    counts = []
    for size, seq in ((1, 2), (len(codes), 3)):
        with CaptureQueriesContext(connection) as queries:
            changes = [{"question": code, "current": 2, "seq": seq} for code in codes[:size]]
            assert post_batch(client, token, changes).status_code == 200
        counts.append(len(queries))
    # Ten answers cost one statement more than one (the insert beside the update), no more.
    assert counts[1] - counts[0] <= 1
    assert max(counts) <= 10
