"""Tenant isolation: every URL of the project, walked by everyone who must not see a victim.

The URL list comes from the URL conf itself, so a new page is walked the day it is added. Its
parameters are filled from PARAMS with the victim organization's own objects; a parameter that
PARAMS does not know fails the test and says which line to add.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.regex_helper import normalize
from knox.models import AuthToken

from assessments.models import Answer, Assessment, Invitation, Response
from assessments.services.cycles import assessment_start
from briefs.models import BriefLink, BriefPost
from briefs.services import brief_links_send, brief_post_create, brief_prepare, brief_publish
from consultants.models import ConsultantAccess
from organizations.models import Level, Membership, Organization, StrategyProfile
from pulses.models import Pulse, PulseAnswer, PulseLink, PulseSettings
from reports.models import ActionItem, KpiReading, Report
from reports.services import report_build, report_request
from tests.accounts.factories import UserFactory
from tests.assessments.factories import InvitationFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory, StrategyProfileFactory
from tests.scenarios import answered_assessment

pytestmark = pytest.mark.django_db

# Every string that identifies the victim carries this marker; no other actor's page may show it.
MARK = "zyzzyva"
VICTIM_TOKEN = "victim-token-" + "Q" * 30

# Namespaces not walked, each with its reason.
EXCLUDED_NAMESPACES = {
    "admin": "staff only: Django's AdminSite sends every non-staff user to the admin log-in "
    "(tests/security/test_admin_and_csp.py checks that separately)",
}
# Pages open to anyone (or to any logged-in user for their own account): walked too, and must
# still never show the victim's data, but may answer 200.
PUBLIC = {
    "home": "the landing page",
    "favicon": "the site icon (a redirect to the static file)",
    "signup": "creating an account",
    "login": "logging in",
    "logout": "logging out (POST)",
    "password_reset": "asking for a reset e-mail",
    "set_language": "switching the language (POST; stored on the visitor's own account)",
    "javascript-catalog": "the JavaScript translations, the same for everyone",
    **dict.fromkeys(
        (
            "account_login",
            "account_logout",
            "account_inactive",
            "account_signup",
            "account_reauthenticate",
            "account_request_reauthentication_code",
            "account_confirm_reauthentication_code",
            "account_email",
            "account_email_verification_sent",
            "account_change_password",
            "account_set_password",
            "account_reset_password",
            "account_confirm_login_code",
            "account_confirm_email",
            "account_reset_password_from_key_done",
            "account_reset_password_from_key",
            "account_reset_password_done",
            "mfa_index",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
        ),
        "django-allauth: the visitor's own account (e-mail, password, two-factor log-in)",
    ),
    "api:schema": "the API's description, the same for everyone",
    "api:docs": "the API's description, the same for everyone",
    "assessments:respond_thanks": "the respondent's thank-you page",
    "pulses:thanks": "the thank-you page after a pulse",
}


@dataclass(frozen=True)
class Victim:
    organization: Organization
    assessment: Assessment
    invitation: Invitation
    action_item: ActionItem
    api_token_key: str
    pulse: Pulse | None = None
    brief_link: BriefLink | None = None
    brief_post: BriefPost | None = None


# How to fill a URL parameter from the victim's objects. Keys are "<segment>/<param>" (the
# literal path segment just before the parameter, for names such as "pk" that mean different
# things on different pages) or just "<param>". Adding a URL with a new parameter: one line here.
PARAMS: dict[str, Callable[[Victim], object]] = {
    "organizations/pk": lambda v: v.organization.pk,
    "clients/pk": lambda v: v.organization.pk,
    "organization_pk": lambda v: v.organization.pk,
    "assessments/pk": lambda v: v.assessment.pk,
    "cycles/pk": lambda v: v.assessment.pk,
    "assessment_pk": lambda v: v.assessment.pk,
    "actions/pk": lambda v: v.action_item.pk,
    "action-items/pk": lambda v: v.action_item.pk,
    "readings/reading": lambda v: v.action_item.kpi_readings.get().pk,
    "results/pk": lambda v: v.assessment.report.pk,
    # The owner's API token, as listed on their token page (knox keeps only its first digits).
    "tokens/token_key": lambda v: v.api_token_key,
    "action_pk": lambda v: v.action_item.pk,
    "invitation_pk": lambda v: v.invitation.pk,
    "grants/pk": lambda v: v.organization.consultant_grants.first().pk,
    "grant_pk": lambda v: v.organization.consultant_grants.first().pk,
    # What a stolen copy of the database holds: the token's hash must open nothing.
    "respond/token": lambda v: v.invitation.token_hash,
    "pulses/pk": lambda v: v.pulse.pk,
    # The same for a pulse link: its stored hash opens no pulse.
    "pulse/token": lambda v: v.pulse.links.get().token_hash,
    # And for a brief link; its questions are answered by the owner only.
    "brief/token": lambda v: v.brief_link.token_hash,
    "posts/post_pk": lambda v: v.brief_post.pk,
    "ask/index": lambda v: 0,
    "code": lambda v: "market",
    # allauth's mailed keys (verification, reset), filled with forged ones.
    "key": lambda v: "forged-key",
    "uidb36": lambda v: "1",
    "token": lambda v: "forged-set-password",
    "format": lambda v: "json",
    "fmt": lambda v: "csv",
}


# Parameters that pick a file format or a step, not somebody's object.
NOT_IDS = {"format", "fmt", "code", "index"}
# Actors with no session: the pages send them to log in (an API token opens only /api/).
NO_SESSION = ("anonymous", "respondent", "API token")
# Actors with no account at all: even a page of their own is refused to them.
ANONYMOUS = ("anonymous", "respondent")


@dataclass(frozen=True)
class Endpoint:
    name: str
    template: str  # "app/assessments/%(pk)s/" as django.utils.regex_helper.normalize gives it
    params: tuple[str, ...]

    def url(self, victim: Victim) -> str:
        values = {}
        for param in self.params:
            fill = PARAMS.get(self.key(param)) or PARAMS.get(param)
            if fill is None:
                pytest.fail(
                    f"URL {self.name!r} ({self.template}) takes the parameter {param!r}, which "
                    f"tests/security/test_tenant_isolation.py does not know: add "
                    f'"{self.key(param)}": lambda v: <the victim\'s value> (or "{param}") to '
                    f"PARAMS."
                )
            values[param] = fill(victim)
        return "/" + self.template % values

    @property
    def victim_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in NOT_IDS)

    def key(self, param: str) -> str:
        # Whole path segments before the parameter ("results." in "results.%(fmt)s" is not one).
        before = self.template.split(f"%({param})s")[0].split("/")[:-1]
        literals = [part for part in before if part and "%(" not in part]
        return f"{literals[-1]}/{param}" if literals else param


def _walk(patterns: list, prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator:
    for entry in patterns:
        regex = entry.pattern.regex.pattern
        full = prefix + (regex[1:] if prefix and regex.startswith("^") else regex)
        if isinstance(entry, URLResolver):
            extra = (entry.namespace,) if entry.namespace else ()
            yield from _walk(entry.url_patterns, full, namespaces + extra)
        elif isinstance(entry, URLPattern):
            yield ":".join((*namespaces, entry.name or f"<unnamed {full}>")), full, namespaces


def endpoints() -> list[Endpoint]:
    """Return every URL pattern of the project except the excluded namespaces."""
    found = []
    for name, regex, namespaces in _walk(get_resolver().url_patterns):
        if namespaces and namespaces[0] in EXCLUDED_NAMESPACES:
            continue
        template, params = normalize(regex)[0]
        found.append(Endpoint(name=name, template=template, params=tuple(params)))
    return found


# --- The victim and the actors -------------------------------------------------------------


def _victim(bank) -> Victim:
    assessment = answered_assessment(
        bank,
        organization_name=f"{MARK.title()} Victim Bakery",
        owner_email=f"owner@{MARK}.example",
    )
    organization = assessment.organization
    Assessment.objects.filter(pk=assessment.pk).update(label=f"{MARK}-Q9")
    StrategyProfile.objects.filter(organization=organization).update(
        target_customers=f"{MARK} customers", segment=f"{MARK} families", goals=f"{MARK} goals"
    )
    answer = Answer.objects.filter(response__assessment=assessment).first()
    answer.comment = f"{MARK} private comment"
    answer.save(update_fields=["comment"])
    assessment.refresh_from_db()
    report = report_build(report_id=report_request(assessment=assessment, enqueue=False).pk)
    assert report.status == Report.Status.READY, report.error
    item = assessment.action_items.first()
    item.consultant_note = f"{MARK} consultant note"
    item.progress_note = f"{MARK} progress note"
    item.save(update_fields=["consultant_note", "progress_note"])
    KpiReading.objects.create(
        action_item=item, measured_on=item.start, value=3, note=f"{MARK} reading note"
    )
    invitation = InvitationFactory(
        assessment=assessment,
        email=f"staff@{MARK}.example",
        token=VICTIM_TOKEN,
    )
    consultant = UserFactory(email=f"adviser@{MARK}.example")
    ConsultantAccessFactory(organization=organization, consultant=consultant)
    _instance, _token = AuthToken.objects.create(user=organization.memberships.get().user)
    brief_link, brief_post = _victim_brief(assessment)
    return Victim(
        organization,
        assessment,
        invitation,
        item,
        _instance.token_key,
        _victim_pulse(assessment),
        brief_link,
        brief_post,
    )


def _victim_brief(assessment: Assessment) -> tuple[BriefLink, BriefPost]:
    """Publish the victim's team brief, send its links, and have one reader ask a question."""
    owner = assessment.organization.memberships.get().user
    brief = brief_prepare(assessment=assessment)
    brief_publish(brief=brief, user=owner, mail_links=False)
    brief_links_send(brief_id=brief.pk)
    link = brief.links.first()
    post = brief_post_create(
        link=link, item_index=0, kind=BriefPost.Kind.QUESTION, text=f"{MARK} question"
    )
    return link, post


def _victim_pulse(assessment: Assessment) -> Pulse:
    """Return an open pulse of the victim with one answered link."""
    PulseSettings.objects.create(organization=assessment.organization, cadence="monthly")
    now = timezone.now()
    pulse = Pulse.objects.create(
        organization=assessment.organization,
        assessment=assessment,
        period_start=now.date(),
        opened_at=now,
        closes_at=now + timedelta(days=7),
    )
    question = Answer.objects.filter(response__assessment=assessment).first().question
    pulse.pulse_questions.create(question=question, position=0)
    link = PulseLink.objects.create(
        pulse=pulse,
        email=f"staff@{MARK}.example",
        level=Level.STAFF,
        token_hash="f" * 64,
        expires_at=pulse.closes_at,
    )
    PulseAnswer.objects.create(link=link, question=question, current=2)
    return pulse


def _victim_state(victim: Victim) -> dict[str, list]:
    """Return every stored row of the victim, to prove that nobody's POST changed any of it."""
    org = victim.organization
    return {
        "organization": list(Organization.objects.filter(pk=org.pk).values()),
        "members": list(Membership.objects.filter(organization=org).values()),
        "strategy": list(StrategyProfile.objects.filter(organization=org).values()),
        "assessments": list(Assessment.objects.filter(organization=org).values()),
        "invitations": list(Invitation.objects.filter(assessment__organization=org).values()),
        "responses": list(Response.objects.filter(assessment__organization=org).values()),
        "answers": list(
            Answer.objects.filter(response__assessment__organization=org).order_by("pk").values()
        ),
        "reports": list(
            Report.objects.filter(assessment__organization=org).values(
                "pk", "status", "alignment_index", "pdf", "attempts"
            )
        ),
        "actions": list(ActionItem.objects.filter(assessment__organization=org).values()),
        "kpi readings": list(
            KpiReading.objects.filter(action_item__assessment__organization=org).values()
        ),
        "grants": list(ConsultantAccess.objects.filter(organization=org).values()),
        "pulse settings": list(PulseSettings.objects.filter(organization=org).values()),
        "pulses": list(Pulse.objects.filter(organization=org).values()),
        "pulse answers": list(
            PulseAnswer.objects.filter(link__pulse__organization=org).order_by("pk").values()
        ),
    }


def _actors(bank) -> dict[str, Callable[[], Client]]:
    """Return a fresh client per call for everyone who must not see the victim."""
    intruder = UserFactory(email="owner@intruder.example")
    own = MembershipFactory(user=intruder).organization
    StrategyProfileFactory(organization=own)
    own_cycle = assessment_start(organization=own, user=intruder, label="mine")
    respondent_token = "respondent-own-token-" + "R" * 25
    InvitationFactory(
        assessment=own_cycle,
        email="staff@intruder.example",
        token=respondent_token,
    )
    _instance, intruder_token = AuthToken.objects.create(user=intruder)
    consultant = UserFactory(email="consultant@elsewhere.example")
    # A real consultant, with a client that is not the victim.
    ConsultantAccessFactory(organization=own, consultant=consultant)
    revoked = UserFactory(email="former@elsewhere.example")

    def logged_in(user) -> Callable[[], Client]:
        def make() -> Client:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            return client

        return make

    def respondent() -> Client:
        client = Client(raise_request_exception=False)
        # The respondent's own link works: they are a real respondent, of another cycle.
        assert (
            client.get(reverse("assessments:respond", args=[respondent_token])).status_code == 200
        )
        return client

    return {
        "anonymous": lambda: Client(raise_request_exception=False),
        "member of another organization": logged_in(intruder),
        "respondent of another cycle": respondent,
        "consultant without a grant": logged_in(consultant),
        "API token of a member of another organization": lambda: Client(
            raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {intruder_token}"
        ),
        "consultant whose grant was revoked": logged_in(revoked),
    }


def _grant_revoked(victim: Victim) -> None:
    now = timezone.now()
    user = UserFactory(email="former@elsewhere.example")
    ConsultantAccessFactory(
        organization=victim.organization, consultant=user, accepted_at=now, revoked_at=now
    )


def _payload(victim: Victim) -> dict[str, object]:
    """Return form fields that would change the victim's data if any view accepted them."""
    question = Answer.objects.filter(response__assessment=victim.assessment).first().question
    return {
        "question": question.pk,
        "current": "1",
        "target": "5",
        "comment": "written by an intruder",
        "label": "stolen",
        "name": "renamed by an intruder",
        "email": "mole@intruder.example",
        "role": "owner",
        "staff": "mole@intruder.example",
        "managers": "mole2@intruder.example",
        "target_customers": "x",
        "segment": "x",
        "primary_value": "price",
        "value_discipline": "product_leadership",
        "status": "done",
        "consultant_note": "intruder note",
        "progress_note": "intruder note",
        "assignee": "intruder",
        "cadence": "off",
    }


def _refusal_problem(actor: str, status: int, location: str) -> str | None:
    """Return why a response to a non-public URL is not a refusal, or None when it is."""
    if status in {401, 403, 404, 405, 410} or status >= 500:  # a 500 is reported on its own
        return None
    if status == 302 and actor.startswith(NO_SESSION) and location.startswith(reverse("login")):
        return None
    return f"answered {status} {location}".strip()


def test_nobody_but_the_victims_people_reaches_the_victims_data(default_bank):
    _grant_revoked(victim := _victim(default_bank))
    actors = _actors(default_bank)
    walked = endpoints()
    names = {endpoint.name for endpoint in walked}
    assert not set(PUBLIC) - names, f"PUBLIC lists URLs that no longer exist: {set(PUBLIC) - names}"
    assert len(walked) >= 30
    before = _victim_state(victim)
    payload = _payload(victim)
    problems = []
    for endpoint in walked:
        url = endpoint.url(victim)
        for actor, make_client in actors.items():
            for method in ("get", "post"):
                client = make_client()
                response = getattr(client, method)(url, payload if method == "post" else None)
                body = response.content.decode(errors="replace").lower()
                where = f"{method.upper()} {url} ({endpoint.name}) as {actor}"
                if response.status_code >= 500:
                    problems.append(f"{where}: server error {response.status_code}")
                if MARK in body:
                    problems.append(f"{where}: the victim's data is in the page")
                # A page without a victim's id lists the user's own things: it may answer 200
                # to a logged-in user (and must still show nothing of the victim's).
                own_listing = not endpoint.victim_params and not actor.startswith(ANONYMOUS)
                if endpoint.name not in PUBLIC and not own_listing:
                    problem = _refusal_problem(
                        actor, response.status_code, response.get("Location", "")
                    )
                    if problem:
                        problems.append(f"{where}: {problem}")
    assert not problems, "\n".join(problems)
    assert _victim_state(victim) == before

    # The control: the victim's own owner opens each of these URLs, so the values in PARAMS
    # are real ones and the refusals above came from the access checks, not from bad ids.
    owner = Client(raise_request_exception=False)
    owner.force_login(Membership.objects.get(organization=victim.organization).user)
    for endpoint in walked:
        if endpoint.name in PUBLIC or "token" in endpoint.params:
            continue
        url = endpoint.url(victim)
        assert owner.get(url).status_code not in {404, 500}, f"{endpoint.name}: {url}"
    # The token itself is recognised (its cycle is closed: 410), where its stored hash was not.
    recognised = Client(raise_request_exception=False).get(
        reverse("assessments:respond", args=[VICTIM_TOKEN])
    )
    assert recognised.status_code == 410
    assert "closed" in recognised.content.decode()


def test_an_unknown_parameter_fails_with_a_message_naming_the_registry():
    endpoint = Endpoint(
        name="new:page", template="app/widgets/%(widget_id)s/", params=("widget_id",)
    )
    with pytest.raises(pytest.fail.Exception, match=r'add\s+"widgets/widget_id".*PARAMS'):
        endpoint.url(Victim(None, None, None, None, ""))  # type: ignore[arg-type]


def test_the_walk_finds_nested_and_namespaced_urls():
    walked = {e.name: e for e in endpoints()}
    assert walked["reports:action_edit"].template == "app/actions/%(pk)s/edit/"
    assert (
        walked["assessments:invitation_resend"].key("invitation_pk") == "invitations/invitation_pk"
    )
    assert walked["assessments:respond_step"].key("token") == "respond/token"
    assert not any(name.startswith("admin:") for name in walked)
    assert re.search(r"%\(pk\)s", walked["organizations:organization"].template)
