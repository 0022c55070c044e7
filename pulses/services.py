"""Pulses: opened by beat once per period, answered through personal links, scored by the engine.

Links follow the invitation rules (assessments/services/invitations.py, whose token code is
reused): a random token of 256 bits of which only the SHA-256 is stored, an expiry, and no
further use once the answers are sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Assessment
from assessments.services.cycles import AnswerChange
from assessments.services.invitations import TOKEN_MAX_LENGTH, token_digest, token_new
from banks.models import Question
from banks.services import bank_to_engine
from organizations.addresses import normalize_email
from organizations.languages import language_for_person, language_override
from organizations.mail import send_mail
from organizations.models import Level, Membership, Organization
from pulses.models import Pulse, PulseAnswer, PulseLink, PulseQuestion, PulseSettings
from reports.models import ActionItem
from reports.selectors import assessment_latest_scored
from reports.services import MIN_GROUP_SIZE
from scoring.inputs import Answer as EngineAnswer
from scoring.inputs import Response as EngineResponse
from scoring.pulse import score_pulse
from scoring.text import localize

logger = logging.getLogger(__name__)

# DESIGN.md section 10: the current plan's questions (up to 8) and the bank's, at most 10.
PLAN_QUESTIONS_MAX = 8
PULSE_QUESTIONS_MAX = 10
# Biweekly periods are counted in pairs of ISO weeks from this Monday.
_FORTNIGHT_EPOCH = date(2024, 1, 1)


class PulseError(Exception):
    """What a person asked for cannot be done; the message says why."""


class PulseLinkUnknownError(Exception):
    """No pulse link has this token: mistyped, tampered with, or never issued."""


class PulseLinkGoneError(Exception):
    """The link existed but no longer takes answers."""

    REASONS: ClassVar[dict[str, Any]] = {
        "used": gettext_lazy("Your answers to this pulse were sent already. Thank you!"),
        "closed": gettext_lazy("This pulse is closed, so it no longer takes answers."),
        "expired": gettext_lazy("This pulse link has expired."),
    }

    def __init__(self, reason: str, link: PulseLink) -> None:
        super().__init__(str(self.REASONS[reason]))
        self.reason = reason
        self.link = link


# --- The cadence --------------------------------------------------------------------------------


@transaction.atomic
def pulse_cadence_set(*, organization: Organization, cadence: str) -> bool:
    """Set how often the organization gets a pulse; return whether it changed."""
    if cadence not in PulseSettings.Cadence.values:
        raise PulseError(_("Choose off, every two weeks or monthly."))
    row, _created = PulseSettings.objects.select_for_update().get_or_create(
        organization=organization
    )
    if row.cadence == cadence:
        return False
    row.cadence = cadence
    row.save(update_fields=["cadence", "updated_at"])
    return True


def period_start(*, cadence: str, day: date) -> date:
    """Return the first day of the cadence period holding `day` (a month, or two ISO weeks)."""
    if cadence == PulseSettings.Cadence.MONTHLY:
        return day.replace(day=1)
    if cadence == PulseSettings.Cadence.BIWEEKLY:
        monday = day - timedelta(days=day.weekday())
        weeks = (monday - _FORTNIGHT_EPOCH).days // 7
        return monday - timedelta(weeks=weeks % 2)
    raise PulseError(f"no period for cadence {cadence!r}")


# --- Opening ------------------------------------------------------------------------------------


def pulse_questions_pick(*, assessment: Assessment) -> list[Question]:
    """Return the questions of a pulse after `assessment`, in the order they are asked.

    The bank's pulse questions are always asked (DESIGN.md section 5); the plan's items, in
    plan order, fill the rest, at most 8 of them and at most 10 questions in all.
    """
    bank_codes = list(dict.fromkeys(assessment.bank.pulse_questions or []))[:PULSE_QUESTIONS_MAX]
    room = min(PLAN_QUESTIONS_MAX, PULSE_QUESTIONS_MAX - len(bank_codes))
    plan_codes = [
        code
        for code in ActionItem.objects.filter(assessment=assessment)
        .order_by("position")
        .values_list("question_code", flat=True)
        if code not in bank_codes
    ][: max(0, room)]
    codes = plan_codes + bank_codes
    by_code = {
        q.code: q
        for q in Question.objects.filter(
            area__dimension__bank_id=assessment.bank_id, code__in=codes
        )
    }
    return [by_code[code] for code in codes if code in by_code]


def pulse_recipients(*, assessment: Assessment) -> list[tuple[str, str]]:
    """Return (e-mail, level) of everyone a pulse goes to: the members and the cycle's invitees.

    A member keeps their member level even when they were also invited as a respondent.
    """
    people: dict[str, str] = {}
    members = Membership.objects.filter(organization_id=assessment.organization_id).values_list(
        "user__email", "role"
    )
    for email, role in members:
        if email:
            people.setdefault(
                normalize_email(email),
                Level.OWNER if role == Membership.Role.OWNER else Level.MANAGER,
            )
    invitees = assessment.invitations.filter(revoked_at__isnull=True).values_list("email", "level")
    for email, level in invitees:
        people.setdefault(normalize_email(email), level)
    return sorted(people.items())


@dataclass(frozen=True, slots=True)
class _Issued:
    link: PulseLink
    token: str


def pulses_open_due(*, now: datetime | None = None) -> list[int]:
    """Open the pulse of every organization whose cadence has one due; return their ids. Beat."""
    now = now or timezone.now()
    due = (
        PulseSettings.objects.exclude(cadence=PulseSettings.Cadence.OFF)
        .order_by("organization_id")
        .values_list("organization_id", flat=True)
    )
    opened = []
    for organization_id in due:
        try:
            pulse = pulse_open(organization_id=organization_id, now=now)
        except Exception:
            # One organization's trouble must not keep the others' pulses from opening.
            logger.exception("could not open the pulse of organization %s", organization_id)
            continue
        if pulse is not None:
            opened.append(pulse.pk)
    return opened


def pulse_open(*, organization_id: int, now: datetime) -> Pulse | None:
    """Open the organization's pulse for the current period, once; None when none is due.

    Two beats at once: the settings row is locked first, so the second waits and then finds
    the pulse; the unique constraint on (organization, period) stands behind that.
    """
    issued: list[_Issued] = []
    with transaction.atomic():
        row = (
            PulseSettings.objects.select_for_update(of=("self",))
            .select_related("organization")
            .filter(organization_id=organization_id)
            .first()
        )
        if row is None or row.cadence == PulseSettings.Cadence.OFF:
            return None
        organization = row.organization
        period = period_start(cadence=row.cadence, day=timezone.localdate(now))
        busy = Pulse.objects.filter(organization=organization).filter(
            Q(period_start=period) | Q(closed_at__isnull=True)
        )
        if busy.exists():
            return None  # done this period, or the last one still runs
        if organization.assessments.filter(status=Assessment.Status.OPEN).exists():
            return None  # a full cycle is asking everyone already
        assessment = assessment_latest_scored(organization=organization)
        if assessment is None:
            return None  # nothing to follow up yet
        questions = pulse_questions_pick(assessment=assessment)
        if not questions:
            return None
        closes_at = now + timedelta(days=settings.PULSE_OPEN_DAYS)
        pulse, created = Pulse.objects.get_or_create(
            organization=organization,
            period_start=period,
            defaults={"assessment": assessment, "opened_at": now, "closes_at": closes_at},
        )
        if not created:
            return None
        PulseQuestion.objects.bulk_create(
            PulseQuestion(pulse=pulse, question=question, position=n)
            for n, question in enumerate(questions)
        )
        languages = _invitation_languages(assessment=assessment)
        for email, level in pulse_recipients(assessment=assessment):
            token, digest = token_new()
            link = PulseLink(
                pulse=pulse,
                email=email,
                level=level,
                token_hash=digest,
                expires_at=closes_at,
                language=languages.get(email, ""),
            )
            issued.append(_Issued(link=link, token=token))
        PulseLink.objects.bulk_create(item.link for item in issued)
    for item in issued:
        _send(link=item.link, pulse=pulse, token=item.token, question_count=len(questions))
    return pulse


def pulse_link_url(*, token: str, site_url: str | None = None) -> str:
    """Return the absolute personal link for a token."""
    return (site_url or settings.SITE_URL).rstrip("/") + reverse("pulses:respond", args=[token])


def pulse_link_language(*, link: PulseLink) -> str:
    """Return the language of a pulse link's mail and page.

    The one the owner chose for the person's invitation to the cycle the pulse follows up
    (copied onto the link), else the organization's.
    """
    return language_for_person(link, link.pulse.organization)


def _invitation_languages(*, assessment: Assessment) -> dict[str, str]:
    """Return the language chosen for each invitee of the cycle who was given one."""
    chosen = (
        assessment.invitations.filter(revoked_at__isnull=True)
        .exclude(language="")
        .order_by("pk")
        .values_list("email", "language")
    )
    return {normalize_email(email): language for email, language in chosen}


def _send(*, link: PulseLink, pulse: Pulse, token: str, question_count: int) -> bool:
    with language_override(pulse_link_language(link=link)):
        return _send_written(link=link, pulse=pulse, token=token, question_count=question_count)


def _send_written(*, link: PulseLink, pulse: Pulse, token: str, question_count: int) -> bool:
    organization = pulse.organization
    context = {
        "organization": organization,
        "pulse": pulse,
        "link": pulse_link_url(token=token),
        "question_count": question_count,
    }
    subject = _("%(organization)s asks: how are things going? (a two-minute pulse)") % {
        "organization": organization.mail_name
    }
    try:
        send_mail(
            subject,
            render_to_string("pulses/email_pulse.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [link.email],
        )
    except Exception:
        logger.exception("could not e-mail pulse link %s", link.pk)
        return False
    PulseLink.objects.filter(pk=link.pk).update(sent_at=timezone.now())
    return True


# --- Answering ----------------------------------------------------------------------------------


def pulse_link_resolve(*, token: str) -> PulseLink:
    """Return the link a token opens, or raise PulseLinkUnknownError / PulseLinkGoneError."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise PulseLinkUnknownError
    link = (
        PulseLink.objects.select_related("pulse__organization", "pulse__assessment__bank")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if link is None:
        raise PulseLinkUnknownError
    _ensure_open(link, timezone.now())
    return link


def _ensure_open(link: PulseLink, now: datetime) -> None:
    if link.submitted_at is not None:
        raise PulseLinkGoneError("used", link)
    if link.pulse.closed_at is not None:
        raise PulseLinkGoneError("closed", link)
    if link.expires_at <= now:
        raise PulseLinkGoneError("expired", link)


def _locked_link(link: PulseLink) -> PulseLink:
    # Only the link's row: everyone's saves to one pulse must not queue behind each other.
    locked = (
        PulseLink.objects.select_for_update(of=("self",)).select_related("pulse").get(pk=link.pk)
    )
    _ensure_open(locked, timezone.now())
    return locked


def pulse_question_ids(*, pulse: Pulse) -> set[int]:
    """Return the primary keys of the questions the pulse asks."""
    return set(PulseQuestion.objects.filter(pulse=pulse).values_list("question_id", flat=True))


@transaction.atomic
def pulse_answers_save(*, link: PulseLink, changes: list[AnswerChange]) -> list[AnswerChange]:
    """Save a batch of answers of one link; per question the highest sequence number wins.

    As in the questionnaire, a change older than the stored answer is skipped yet reported as
    handled. The link's row lock orders concurrent batches of the same person.
    """
    locked = _locked_link(link)
    allowed = pulse_question_ids(pulse=locked.pulse)
    latest: dict[int, AnswerChange] = {}
    for change in changes:
        if change.question.pk not in allowed:
            raise PulseError(_("This question is not part of this pulse."))
        if change.target is not None or change.comment:
            raise PulseError(_("A pulse takes a rating only."))
        held = latest.get(change.question.pk)
        if held is None or held.seq < change.seq:
            latest[change.question.pk] = change
    if not latest:
        return []
    stored = {
        answer.question_id: answer
        for answer in PulseAnswer.objects.filter(link=locked, question_id__in=latest)
    }
    created, updated = [], []
    for question_id, change in latest.items():
        answer = stored.get(question_id)
        if answer is None:
            created.append(
                PulseAnswer(
                    link=locked,
                    question_id=question_id,
                    current=change.current,
                    client_seq=change.seq,
                )
            )
        elif answer.client_seq < change.seq:
            answer.current = change.current
            answer.client_seq = change.seq
            answer.updated_at = timezone.now()
            updated.append(answer)
    PulseAnswer.objects.bulk_create(created)
    PulseAnswer.objects.bulk_update(updated, ["current", "client_seq", "updated_at"])
    return list(latest.values())


def pulse_link_submit(*, link: PulseLink) -> PulseLink:
    """Send the answers: the link is used up and the pulse's results are brought up to date."""
    with transaction.atomic():
        locked = _locked_link(link)
        if not PulseAnswer.objects.filter(link=locked).exists():
            raise PulseError(_("Answer at least one question before you send."))
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["submitted_at"])
        pulse_result_refresh(pulse_id=locked.pulse_id)
    return locked


# --- Results and closing ------------------------------------------------------------------------


def _cycle_scores(assessment: Assessment) -> tuple[dict[str, float | None], dict[str, float]]:
    """Return the cycle's area scores and the target T_q it used per question."""
    result = getattr(getattr(assessment, "report", None), "result", None) or {}
    areas: dict[str, float | None] = {}
    targets: dict[str, float] = {}
    for dimension in (result.get("dimensions") or {}).values():
        for code, area in (dimension.get("areas") or {}).items():
            areas[code] = area.get("score")
            for fit in area.get("contributions") or []:
                if fit.get("target") is not None:
                    targets[fit["question"]] = fit["target"]
    return areas, targets


def pulse_result_refresh(*, pulse_id: int) -> Pulse:
    """Score the pulse's sent answers and store them, or nothing below three non-owners."""
    with transaction.atomic():
        pulse = (
            Pulse.objects.select_for_update(of=("self",))
            .select_related("assessment__bank", "assessment__report")
            .get(pk=pulse_id)
        )
        sent = list(pulse.links.filter(submitted_at__isnull=False).values_list("pk", "level"))
        pulse.respondents = len(sent)
        pulse.others = sum(1 for _pk, level in sent if level != Level.OWNER)
        pulse.result = _result(pulse, sent) if pulse.others >= MIN_GROUP_SIZE else None
        pulse.save(update_fields=["respondents", "others", "result"])
    return pulse


def _result(pulse: Pulse, sent: list[tuple[int, str]]) -> dict[str, Any]:
    assessment = pulse.assessment
    bank = bank_to_engine(assessment.bank)
    codes = list(
        pulse.pulse_questions.order_by("position").values_list("question__code", flat=True)
    )
    answers: dict[int, dict[str, EngineAnswer]] = {pk: {} for pk, _level in sent}
    rows = PulseAnswer.objects.filter(link_id__in=answers).values_list(
        "link_id", "question__code", "current"
    )
    for link_id, code, current in rows:
        answers[link_id][code] = EngineAnswer(current=current)
    responses = [EngineResponse(level=level, answers=answers[pk]) for pk, level in sent]
    cycle_areas, targets = _cycle_scores(assessment)
    scored = score_pulse(
        bank,
        codes,
        responses,
        discipline=(assessment.strategy_snapshot or {}).get("value_discipline", ""),
        targets=targets,
    )
    previous = _previous_scores(pulse, cycle_areas)
    return {
        "questions": [
            {
                "code": q.code,
                "text": localize(bank.question(q.code).text),
                "area": q.area,
                "current": q.current,
                "target": q.target,
                "respondents": q.respondents,
            }
            for q in scored.questions
        ],
        "areas": {
            a.code: {
                "title": localize(bank.area(a.code).title),
                "score": a.score,
                "previous": previous.get(a.code),
                "answered": a.answered,
                "asked": a.asked,
            }
            for a in scored.areas
        },
    }


def _previous_scores(pulse: Pulse, cycle_areas: dict[str, float | None]) -> dict[str, float]:
    """Return each area's measurement before this pulse: the last earlier pulse, else the cycle."""
    previous = {code: score for code, score in cycle_areas.items() if score is not None}
    earlier = (
        Pulse.objects.filter(
            organization_id=pulse.organization_id,
            assessment_id=pulse.assessment_id,
            opened_at__lt=pulse.opened_at,
            result__isnull=False,
        )
        .order_by("opened_at")
        .values_list("result", flat=True)
    )
    for result in earlier:
        for code, area in ((result or {}).get("areas") or {}).items():
            if area.get("score") is not None:
                previous[code] = area["score"]
    return previous


def pulses_close_due(*, now: datetime | None = None) -> list[int]:
    """Close every pulse whose week is over, with its final results; return their ids. Beat."""
    now = now or timezone.now()
    due = Pulse.objects.filter(closed_at__isnull=True, closes_at__lte=now).values_list(
        "pk", flat=True
    )
    closed = []
    for pulse_id in list(due):
        with transaction.atomic():
            pulse = pulse_result_refresh(pulse_id=pulse_id)
            if Pulse.objects.filter(pk=pulse.pk, closed_at__isnull=True).update(closed_at=now):
                closed.append(pulse.pk)
    return closed
