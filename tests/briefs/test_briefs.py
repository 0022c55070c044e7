"""Team briefs: publishing and links, read counts, anonymous questions, isolation, evidence."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Invitation, Response
from briefs.models import Brief, BriefLink, BriefPost, BriefVersion
from briefs.selectors import brief_read_counts, previous_brief_evidence
from briefs.services import POSTS_PER_HOUR, brief_link_mark_read, brief_publish
from reports.evidence import pitfall_evidence_extra
from tests.accounts.factories import UserFactory
from tests.assessments.factories import AssessmentFactory, InvitationFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def read_url(token: str) -> str:
    return reverse("briefs:read", args=[token])


# --- Publishing and the personal links --------------------------------------------------------


def test_publishing_mails_each_invitee_a_link_and_keeps_only_its_hash(published, scored):
    brief, tokens = published
    assert set(tokens) == set(scored.invitations.values_list("email", flat=True))
    links = BriefLink.objects.filter(brief=brief)
    assert links.count() == 6
    assert all(link.sent_at for link in links)
    stored = set(links.values_list("token_hash", flat=True))
    assert not stored & set(tokens.values()), "a raw token reached the database"
    link = links.first()
    assert link.expires_at - BriefVersion.objects.get(brief=brief).published_at == timedelta(
        days=120
    )


def test_a_link_opens_the_latest_version_with_published_date(client, published, owner_user):
    brief, tokens = published
    page = client.get(read_url(tokens["s0@crumb.example"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Published on" in text
    assert "Mornings come first." in text
    assert "Who our customers are" in text
    # The band, never the index.
    assert "Partially aligned" in text
    assert "58.4" not in text

    brief.note = "Corrected: mornings and waste."
    brief.save()
    mail.outbox.clear()
    brief_publish(brief=brief, user=owner_user)
    text = client.get(read_url(tokens["s0@crumb.example"])).content.decode()
    assert "Corrected: mornings and waste." in text
    assert "corrected version 2" in text
    assert mail.outbox == [], "a correction reaches readers through the links they hold"
    assert BriefVersion.objects.filter(brief=brief).count() == 2
    client.force_login(owner_user)
    desk = client.get(reverse("briefs:manage", args=[brief.assessment_id])).content.decode()
    assert "(version 2)" in desk
    assert "Earlier versions, kept:" in desk
    assert "version 1 of" in desk


def test_the_task_sends_links_once_even_when_run_twice(scored, owner_user):
    from briefs.services import brief_prepare
    from briefs.tasks import brief_links_send_task

    brief = brief_prepare(assessment=scored)
    brief_publish(brief=brief, user=owner_user, mail_links=False)
    mail.outbox.clear()
    assert brief_links_send_task.apply(args=(brief.pk,)).get() == 6
    assert brief_links_send_task.apply(args=(brief.pk,)).get() == 0
    assert len(mail.outbox) == 6


def test_publishing_queues_the_mailing_on_commit(
    scored, owner_user, monkeypatch, django_capture_on_commit_callbacks
):
    from briefs import services

    queued = []
    monkeypatch.setattr(
        services, "brief_links_enqueue", lambda *, brief_id: queued.append(brief_id)
    )
    brief = services.brief_prepare(assessment=scored)
    with django_capture_on_commit_callbacks(execute=True):
        services.brief_publish(brief=brief, user=owner_user)
    assert queued == [brief.pk]


def test_brief_waits_for_a_ready_report(client, owner_user, scored):
    assessment = AssessmentFactory(
        organization=scored.organization, label="2027-Q1", status=Assessment.Status.CLOSED
    )
    client.force_login(owner_user)
    page = client.get(reverse("briefs:manage", args=[assessment.pk]))
    assert page.status_code == 200
    assert "once the cycle&#x27;s report is ready" in page.content.decode()
    assert not Brief.objects.filter(assessment=assessment).exists()


# --- Bad links: 404 and 410, never a 500 ------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "x" * 65, "%00", "a" * 43],
)
def test_unknown_or_tampered_link_is_a_friendly_404(client, published, token):
    page = client.get(read_url(token))
    assert page.status_code == 404
    assert "We do not recognise this link" in page.content.decode()


def test_a_token_changed_by_one_character_is_404(client, published):
    _brief, tokens = published
    token = tokens["s1@crumb.example"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(read_url(tampered)).status_code == 404
    assert client.post(reverse("briefs:mark_read", args=[tampered])).status_code == 404
    assert client.post(reverse("briefs:ask", args=[tampered, 0]), {}).status_code == 404


def test_expired_link_is_410(client, published):
    brief, tokens = published
    BriefLink.objects.filter(brief=brief).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(read_url(tokens["s0@crumb.example"]))
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert (
        client.post(reverse("briefs:mark_read", args=[tokens["s0@crumb.example"]])).status_code
        == 410
    )


def test_link_after_the_next_cycle_closes_says_the_brief_was_replaced(client, published, scored):
    _brief, tokens = published
    token = tokens["s2@crumb.example"]
    nxt = AssessmentFactory(
        organization=scored.organization, bank=scored.bank, label="2027-Q1", status="open"
    )
    assert client.get(read_url(token)).status_code == 200, "an open next cycle changes nothing"
    Assessment.objects.filter(pk=nxt.pk).update(status=Assessment.Status.CLOSED)
    page = client.get(read_url(token))
    assert page.status_code == 410
    assert "This brief has been replaced" in page.content.decode()


# --- Read receipts: counts per level, small groups hidden -------------------------------------


def test_marking_read_counts_once(client, published):
    _brief, tokens = published
    url = reverse("briefs:mark_read", args=[tokens["s0@crumb.example"]])
    assert client.post(url).status_code == 302
    first = BriefLink.objects.get(invitation__email="s0@crumb.example").read_at
    client.post(url)
    assert BriefLink.objects.get(invitation__email="s0@crumb.example").read_at == first
    assert (
        "You marked this brief as read"
        in client.get(read_url(tokens["s0@crumb.example"])).content.decode()
    )


def test_counts_are_hidden_below_three_people(published):
    brief, _tokens = published
    for link in BriefLink.objects.filter(brief=brief):
        brief_link_mark_read(link=link)
    counts = brief_read_counts(brief=brief)
    rows = {row.level: row for row in counts.levels}
    assert rows["manager"].hidden, "two managers: hidden"
    assert not rows["staff"].hidden
    assert rows["staff"].read == 4
    # Two hidden people would show by subtracting staff from the total: the total hides too.
    assert counts.rate is None

    InvitationFactory(assessment=brief.assessment, level="manager", email="m2@crumb.example")
    from briefs.services import brief_links_send

    brief_links_send(brief_id=brief.pk)
    counts = brief_read_counts(brief=brief)
    rows = {row.level: row for row in counts.levels}
    assert not rows["manager"].hidden
    assert (rows["manager"].read, rows["manager"].invited) == (2, 3)
    assert counts.rate == round(100 * 6 / 7)


def test_owner_page_shows_hidden_group_not_its_number(client, published, owner_user):
    brief, tokens = published
    client.post(reverse("briefs:mark_read", args=[tokens["m0@crumb.example"]]))
    client.force_login(owner_user)
    text = client.get(reverse("briefs:manage", args=[brief.assessment_id])).content.decode()
    assert "fewer than 3 — hidden" in text
    assert "0 of 4" in text  # staff: shown
    for email in ("m0@crumb.example", "s0@crumb.example"):
        assert email not in text


# --- Questions and ideas: anonymous, limited --------------------------------------------------


def test_a_stored_post_has_no_reference_to_a_person():
    related = {
        field.related_model
        for field in BriefPost._meta.get_fields()
        if field.is_relation and field.related_model is not None
    }
    from briefs.models import Brief
    from reports.models import ActionItem

    assert related == {Brief, ActionItem}
    names = {field.name for field in BriefPost._meta.get_fields()}
    for forbidden in ("link", "invitation", "response", "user", "email", "token", "created_at"):
        assert not any(forbidden in name for name in names), forbidden
    assert BriefPost._meta.get_field("created_on").get_internal_type() == "DateField"
    for model in (BriefLink, Invitation, Response):
        assert not any(f.related_model is BriefPost for f in model._meta.get_fields())


def test_asking_stores_the_text_and_nothing_of_the_asker(client, published, owner_user):
    brief, tokens = published
    token = tokens["s3@crumb.example"]
    page = client.post(
        reverse("briefs:ask", args=[token, 1]),
        {"i1-kind": "question", "i1-text": "Who bakes on Sundays?"},
    )
    assert page.status_code == 302
    post = BriefPost.objects.get()
    assert post.text == "Who bakes on Sundays?"
    assert post.item_title == brief.versions.first().items[1]["title"]
    link = BriefLink.objects.get(invitation__email="s3@crumb.example")
    row = BriefPost.objects.filter(pk=post.pk).values().get()
    for value in row.values():
        assert value not in (
            link.pk,
            link.token_hash,
            "s3@crumb.example",
            token,
            link.invitation_id,
        ) or (value == post.pk or value == post.brief_id or value == post.action_item_id)
    assert link.read_at is None, "asking is not a read receipt"

    # The owner sees it without anything about its writer, and answers it for everyone.
    client.force_login(owner_user)
    text = client.get(reverse("briefs:manage", args=[brief.assessment_id])).content.decode()
    assert "Who bakes on Sundays?" in text
    assert "s3@crumb.example" not in text
    answer = client.post(
        reverse("briefs:answer", args=[brief.assessment_id, post.pk]),
        {f"p{post.pk}-answer": "Mia and Tom, in turns."},
    )
    assert answer.status_code == 302
    client.logout()
    reader = client.get(read_url(tokens["s0@crumb.example"])).content.decode()
    assert "Who bakes on Sundays?" in reader
    assert "Mia and Tom, in turns." in reader


def test_an_over_long_question_gets_a_message_beside_the_field(client, published):
    _brief, tokens = published
    page = client.post(
        reverse("briefs:ask", args=[tokens["s0@crumb.example"], 0]),
        {"i0-kind": "idea", "i0-text": "x" * 2001},
    )
    assert page.status_code == 400
    assert "Please keep it to 2000 characters (this one has 2001)." in page.content.decode()
    assert not BriefPost.objects.exists()
    page = client.post(
        reverse("briefs:ask", args=[tokens["s0@crumb.example"], 0]),
        {"i0-kind": "idea", "i0-text": "   "},
    )
    assert page.status_code == 400
    assert "Write your question or idea first." in page.content.decode()


def test_hostile_item_or_kind_is_a_message_not_a_500(client, published):
    _brief, tokens = published
    url = reverse("briefs:ask", args=[tokens["s0@crumb.example"], 9])
    assert client.post(url, {"i9-kind": "idea", "i9-text": "hello"}).status_code == 400
    url = reverse("briefs:ask", args=[tokens["s0@crumb.example"], 0])
    page = client.post(url, {"i0-kind": "rant", "i0-text": "hello"})
    assert page.status_code == 400
    assert not BriefPost.objects.exists()


def test_posts_are_rate_limited_per_link(client, published):
    _brief, tokens = published
    url = reverse("briefs:ask", args=[tokens["s0@crumb.example"], 0])
    for n in range(POSTS_PER_HOUR):
        assert client.post(url, {"i0-kind": "idea", "i0-text": f"idea {n}"}).status_code == 302
    page = client.post(url, {"i0-kind": "idea", "i0-text": "one too many"})
    assert page.status_code == 429
    assert "in the last hour" in page.content.decode()
    assert BriefPost.objects.count() == POSTS_PER_HOUR
    # Another person's link is not held back.
    other = reverse("briefs:ask", args=[tokens["s1@crumb.example"], 0])
    assert client.post(other, {"i0-kind": "idea", "i0-text": "mine"}).status_code == 302


# --- Who sees what ----------------------------------------------------------------------------


def test_every_brief_url_is_404_to_an_outsider(client, published):
    brief, _tokens = published
    post = BriefPost.objects.create(
        brief=brief, item_title="x", kind="idea", text="t", created_on=timezone.localdate()
    )
    client.force_login(UserFactory(email="outsider@elsewhere.example"))
    pk = brief.assessment_id
    assert client.get(reverse("briefs:view", args=[pk])).status_code == 404
    assert client.get(reverse("briefs:manage", args=[pk])).status_code == 404
    assert (
        client.post(reverse("briefs:manage", args=[pk]), {"action": "publish"}).status_code == 404
    )
    assert client.post(reverse("briefs:links_resend", args=[pk])).status_code == 404
    answer = reverse("briefs:answer", args=[pk, post.pk])
    assert client.post(answer, {f"p{post.pk}-answer": "hijack"}).status_code == 404
    post.refresh_from_db()
    assert post.answer == ""


def test_a_manager_reads_the_brief_in_the_app_but_cannot_manage_it(client, published):
    brief, _tokens = published
    manager = UserFactory(email="manny@crumb.example")
    MembershipFactory(user=manager, organization=brief.assessment.organization, role="manager")
    client.force_login(manager)
    page = client.get(reverse("briefs:view", args=[brief.assessment_id]))
    assert page.status_code == 200
    assert "Mornings come first." in page.content.decode()
    assert client.get(reverse("briefs:manage", args=[brief.assessment_id])).status_code == 404
    org = client.get(reverse("organizations:organization", args=[brief.assessment.organization_id]))
    assert reverse("briefs:view", args=[brief.assessment_id]) in org.content.decode()


def test_consultant_sees_the_brief_and_read_rate_on_the_client_dashboard(client, published):
    brief, tokens = published
    for email in ("s0@crumb.example", "s1@crumb.example", "m0@crumb.example"):
        client.post(reverse("briefs:mark_read", args=[tokens[email]]))
    InvitationFactory(assessment=brief.assessment, level="manager", email="m2@crumb.example")
    from briefs.services import brief_links_send

    brief_links_send(brief_id=brief.pk)
    consultant = UserFactory(email="ada@advice.example")
    ConsultantAccessFactory(organization=brief.assessment.organization, consultant=consultant)
    client.force_login(consultant)
    page = client.get(reverse("clients:dashboard", args=[brief.assessment.organization_id]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Read rate: 43 % (3 of 7 people invited)." in text
    assert client.get(reverse("briefs:view", args=[brief.assessment_id])).status_code == 200
    assert client.get(reverse("briefs:manage", args=[brief.assessment_id])).status_code == 404


# --- The next cycle's communication evidence --------------------------------------------------


def test_next_cycle_cites_the_previous_briefs_read_rate(published, scored):
    brief, _tokens = published
    InvitationFactory(assessment=scored, level="manager", email="m2@crumb.example")
    from briefs.services import brief_links_send

    brief_links_send(brief_id=brief.pk)
    for link in BriefLink.objects.filter(
        invitation__email__in=["s0@crumb.example", "m1@crumb.example"]
    ):
        brief_link_mark_read(link=link)
    nxt = AssessmentFactory(
        organization=scored.organization, bank=scored.bank, label="2027-Q1", status="closed"
    )
    Assessment.objects.filter(pk=nxt.pk).update(created_at=scored.created_at + timedelta(days=90))
    nxt.refresh_from_db()
    expected = (
        "2 of 7 people invited read the team brief of the previous cycle (2026-Q4): "
        "a read rate of 29 %."
    )
    assert previous_brief_evidence(nxt) == [expected]
    # Through the registry reports owns, as the report's content asks for it.
    assert expected in pitfall_evidence_extra(code="communication", assessment=nxt)
    assert pitfall_evidence_extra(code="silos", assessment=nxt) == []


def test_next_cycle_says_when_no_brief_was_published(scored):
    nxt = AssessmentFactory(
        organization=scored.organization, bank=scored.bank, label="2027-Q1", status="closed"
    )
    Assessment.objects.filter(pk=nxt.pk).update(created_at=scored.created_at + timedelta(days=90))
    nxt.refresh_from_db()
    assert previous_brief_evidence(nxt) == [
        "No team brief was published after the previous cycle (2026-Q4)."
    ]


@pytest.fixture
def redis_cache(settings):
    """Count posts in the real Redis the site uses, in a prefix of this test's own."""
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"brief-test-{os.getpid()}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    from django.core.cache import cache

    # Only this test's keys go: a flush would take the broker's and others' keys with it.
    client = cache._cache.get_client()
    pattern = f"brief-test-{os.getpid()}:*"
    yield cache
    keys = client.keys(pattern)
    if keys:
        client.delete(*keys)


def test_the_limit_holds_in_redis(client, published, redis_cache):
    _brief, tokens = published
    url = reverse("briefs:ask", args=[tokens["s0@crumb.example"], 2])
    for n in range(POSTS_PER_HOUR):
        assert client.post(url, {"i2-kind": "question", "i2-text": f"q {n}"}).status_code == 302
    assert client.post(url, {"i2-kind": "question", "i2-text": "again"}).status_code == 429
    # The counter's key is a hash of the stored hash: the token is nowhere in Redis.
    keys = [key.decode() for key in redis_cache._cache.get_client().keys("brief-test-*")]
    assert keys
    assert not any(tokens["s0@crumb.example"] in key for key in keys)
    link = BriefLink.objects.get(invitation__email="s0@crumb.example")
    assert not any(link.token_hash in key for key in keys)


def test_a_question_gets_through_when_the_cache_is_down(client, published, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    _brief, tokens = published
    url = reverse("briefs:ask", args=[tokens["s0@crumb.example"], 0])
    assert client.post(url, {"i0-kind": "idea", "i0-text": "still heard"}).status_code == 302
    assert BriefPost.objects.get().text == "still heard"


def test_no_page_export_or_api_answer_ties_a_question_to_its_writer(client, published, owner_user):
    from tests.api.conftest import token_client

    brief, tokens = published
    ask = reverse("briefs:ask", args=[tokens["s0@crumb.example"], 0])
    client.post(ask, {"i0-kind": "question", "i0-text": "Why mornings first?"})
    client.post(reverse("briefs:mark_read", args=[tokens["s0@crumb.example"]]))
    consultant = UserFactory(email="ada@advice.example")
    organization = brief.assessment.organization
    ConsultantAccessFactory(organization=organization, consultant=consultant)
    pk, org = brief.assessment_id, organization.pk
    pages = [
        reverse("briefs:manage", args=[pk]),
        reverse("briefs:view", args=[pk]),
        reverse("organizations:organization", args=[org]),
        reverse("clients:dashboard", args=[org]),
        reverse("clients:results_export", args=[org, "csv"]),
        reverse("clients:raw_answers_export", args=[org, "csv"]),
        reverse("clients:actions_export", args=[org, "csv"]),
    ]
    for user in (owner_user, consultant):
        client.force_login(user)
        for url in pages:
            reply = client.get(url)
            if reply.status_code == 404:
                continue  # the owner's desk is not the consultant's
            assert reply.status_code == 200, url
            body = b"".join(reply.streaming_content) if reply.streaming else reply.content
            text = body.decode()
            assert "s0@crumb.example" not in text, url
            assert tokens["s0@crumb.example"] not in text, url
            if "export" in url:
                assert "Why mornings first?" not in text, "questions are not exported"
        api = token_client(user)
        for url in ("/api/cycles/", "/api/results/", "/api/action-items/", "/api/schema/"):
            reply = api.get(url)
            assert reply.status_code == 200, url
            text = reply.content.decode()
            assert "Why mornings first?" not in text, url
            assert "/brief" not in text, "the API has no brief endpoints"


def test_the_communication_pitfall_carries_the_previous_briefs_line(published, scored):
    from reports.content import _pitfall_rows

    nxt = AssessmentFactory(
        organization=scored.organization, bank=scored.bank, label="2027-Q1", status="scored"
    )
    Assessment.objects.filter(pk=nxt.pk).update(created_at=scored.created_at + timedelta(days=90))
    nxt.refresh_from_db()
    result = {
        "pitfalls": [
            {"code": "communication", "evidence": []},
            {"code": "silos", "evidence": []},
        ]
    }
    rows = {row.code: row for row in _pitfall_rows(result, {}, True, None, nxt)}
    assert rows["communication"].evidence == (
        "A team brief was published after the previous cycle (2026-Q4); how many read it is "
        "hidden, since a group of fewer than three people would show.",
    )
    assert rows["silos"].evidence == ()


def test_enqueue_sends_the_registered_task_by_name(monkeypatch):
    from celery import current_app

    from briefs.services import BRIEF_LINKS_SEND_TASK, brief_links_enqueue

    task = current_app.tasks[BRIEF_LINKS_SEND_TASK]
    sent = []
    monkeypatch.setattr(task, "apply_async", lambda args, **options: sent.append((args, options)))
    assert brief_links_enqueue(brief_id=41) is True
    assert sent == [((41,), {"ignore_result": True})]


def test_enqueue_reports_a_broker_it_cannot_reach(monkeypatch):
    from celery import current_app

    from briefs.services import BRIEF_LINKS_SEND_TASK, brief_links_enqueue

    def refuse(*args, **kwargs):
        raise OSError("broker down")

    monkeypatch.setattr(current_app.tasks[BRIEF_LINKS_SEND_TASK], "apply_async", refuse)
    assert brief_links_enqueue(brief_id=41) is False


def test_a_superseded_cycle_cannot_be_published(client, scored, owner_user):
    nxt = AssessmentFactory(
        organization=scored.organization, bank=scored.bank, label="2027-Q1", status="closed"
    )
    Assessment.objects.filter(pk=nxt.pk).update(created_at=scored.created_at + timedelta(days=90))
    client.force_login(owner_user)
    url = reverse("briefs:manage", args=[scored.pk])
    form = {"customers": "a", "value": "b", "operations": "c", "note": "", "action": "publish"}
    page = client.post(url, form, follow=True)
    assert page.status_code == 200
    assert "A newer cycle has closed since this one" in page.content.decode()
    assert not BriefVersion.objects.exists()
    assert Brief.objects.get(assessment=scored).customers == "a", "the edits are kept"
