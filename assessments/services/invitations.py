"""Respondent invitations: personal links that need no account.

A link carries a random token of 256 bits; only its SHA-256 is stored, so a copy of the
database opens no questionnaire. Resending issues a new token and the old link stops working.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Assessment, Invitation, Response
from banks.selectors import bank_answer_minutes
from organizations.addresses import normalize_email
from organizations.languages import language_for_person, language_override, language_supported
from organizations.mail import send_mail
from organizations.models import Level
from organizations.zones import organization_zone

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 64  # token_urlsafe(32) is 43 characters; anything much longer is noise


class InvitationUnknownError(Exception):
    """No invitation has this token: mistyped, tampered with, or replaced by a resend."""


class InvitationGoneError(Exception):
    """The link existed but no longer opens the questionnaire."""

    REASONS: ClassVar[dict[str, str | Promise]] = {
        "revoked": gettext_lazy("This invitation was withdrawn by the organization."),
        "used": gettext_lazy("The answers for this invitation were submitted already. Thank you!"),
        "closed": gettext_lazy("This assessment cycle is closed, so it no longer takes answers."),
        "expired": gettext_lazy("This invitation link has expired."),
    }

    def __init__(self, reason: str, invitation: Invitation) -> None:
        super().__init__(str(self.REASONS[reason]))
        self.reason = reason
        self.invitation = invitation


class InvitationError(Exception):
    """The owner asked for something the invitation's state does not allow."""


def token_digest(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """Return a fresh link token and its stored digest (invitations and pulse links)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_digest(token)


def _expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


def invitation_link(*, site_url: str, token: str) -> str:
    """Return the absolute personal link for a token."""
    return site_url.rstrip("/") + reverse("assessments:respond", args=[token])


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A personal link just issued: shown to the owner once, since only its hash is kept."""

    invitation: Invitation
    link: str
    emailed: bool


@dataclass
class InvitationBatch:
    """What happened to each address of one request."""

    sent: list[Invitation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already invited, link still active
    failed: list[str] = field(default_factory=list)  # created, but the e-mail did not go out
    # Every link created, e-mailed or not, so the owner can pass it on another way (chat).
    links: list[IssuedLink] = field(default_factory=list)


def invitations_create(
    *,
    assessment: Assessment,
    entries: Iterable[tuple[str, str]],
    site_url: str,
    language: str = "",
) -> InvitationBatch:
    """Invite each (e-mail, level) once to the cycle and send each a personal link.

    `language` is the one chosen for these people's mails and pages; blank: the organization's.
    """
    language = language_supported(language) or ""
    if assessment.status != Assessment.Status.OPEN:
        raise InvitationError(_("This cycle is closed: nobody new can be invited."))
    batch = InvitationBatch()
    for raw_email, level in entries:
        email = normalize_email(raw_email)
        if level not in (Level.MANAGER, Level.STAFF):
            raise InvitationError(f"Unknown level {level!r}.")
        token, digest = token_new()
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    assessment=assessment,
                    email=email,
                    level=level,
                    token_hash=digest,
                    expires_at=_expiry(),
                    language=language,
                )
        except IntegrityError:
            # The partial unique constraint: an active invitation for this address exists.
            batch.skipped.append(email)
            continue
        emailed = _send(invitation=invitation, token=token, site_url=site_url)
        if emailed:
            batch.sent.append(invitation)
        else:
            batch.failed.append(email)
        link = invitation_link(site_url=site_url, token=token)
        batch.links.append(IssuedLink(invitation=invitation, link=link, emailed=emailed))
    return batch


def invitation_resend(*, invitation: Invitation, site_url: str) -> IssuedLink:
    """Send a fresh link with a new expiry; the previous link stops working.

    The new link is returned even when the e-mail fails, so the owner can pass it on by hand.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("assessment")
            .get(pk=invitation.pk)
        )
        _ensure_changeable(invitation)
        token, invitation.token_hash = token_new()
        invitation.expires_at = _expiry()
        invitation.sent_at = None
        invitation.save(update_fields=["token_hash", "expires_at", "sent_at"])
    emailed = _send(invitation=invitation, token=token, site_url=site_url)
    link = invitation_link(site_url=site_url, token=token)
    return IssuedLink(invitation=invitation, link=link, emailed=emailed)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw the link; answers started through it will not count."""
    invitation = (
        Invitation.objects.select_for_update().select_related("assessment").get(pk=invitation.pk)
    )
    _ensure_changeable(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_resolve(*, token: str) -> Invitation:
    """Return the invitation a link opens, or raise InvitationUnknownError / InvitationGoneError."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise InvitationUnknownError
    try:
        # The response rides along: every autosave of a respondent passes through here.
        invitation = Invitation.objects.select_related(
            "assessment__organization", "assessment__bank", "response"
        ).get(token_hash=token_digest(token))
    except Invitation.DoesNotExist:
        raise InvitationUnknownError from None
    response = invitation_response(invitation=invitation)
    if invitation.revoked_at is not None:
        raise InvitationGoneError("revoked", invitation)
    if response is not None and response.submitted_at is not None:
        raise InvitationGoneError("used", invitation)
    if invitation.assessment.status != Assessment.Status.OPEN:
        raise InvitationGoneError("closed", invitation)
    if invitation.expires_at <= timezone.now():
        raise InvitationGoneError("expired", invitation)
    return invitation


def invitation_response(*, invitation: Invitation) -> Response | None:
    """Return the response started through the invitation, if any (no query when joined)."""
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


def response_for_invitation(*, invitation: Invitation) -> Response:
    """Return the respondent's response, creating it with their first answer."""
    response, _created = Response.objects.get_or_create(
        invitation=invitation,
        defaults={"assessment_id": invitation.assessment_id, "level": invitation.level},
    )
    return response


def _ensure_changeable(invitation: Invitation) -> None:
    if invitation.revoked_at is not None:
        raise InvitationError(
            _("The invitation of %(email)s was withdrawn already.") % {"email": invitation.email}
        )
    if Response.objects.filter(invitation=invitation, submitted_at__isnull=False).exists():
        raise InvitationError(
            _("%(email)s has submitted their answers already.") % {"email": invitation.email}
        )
    if invitation.assessment.status != Assessment.Status.OPEN:
        raise InvitationError(_("This cycle is closed."))


def _send(*, invitation: Invitation, token: str, site_url: str, reminder: bool = False) -> bool:
    # The mail is in the language chosen for this person, else the organization's.
    with language_override(language_for_person(invitation, invitation.assessment.organization)):
        return _send_in_language(
            invitation=invitation, token=token, site_url=site_url, reminder=reminder
        )


def _send_in_language(
    *, invitation: Invitation, token: str, site_url: str, reminder: bool = False
) -> bool:
    assessment = invitation.assessment
    minutes = bank_answer_minutes(bank=assessment.bank)
    context = {
        "organization": assessment.organization,
        "assessment": assessment,
        "invitation": invitation,
        "link": invitation_link(site_url=site_url, token=token),
        "minutes": minutes,
    }
    if reminder:
        subject = _("Reminder: %(organization)s would still like your view") % {
            "organization": assessment.organization.mail_name
        }
        template = "assessments/respondent/email_reminder.txt"
    else:
        subject = _("%(organization)s asks for your view: a %(minutes)d-minute questionnaire") % {
            "organization": assessment.organization.mail_name,
            "minutes": minutes,
        }
        template = "assessments/respondent/email_invitation.txt"
    with organization_zone(assessment.organization):
        body = render_to_string(template, context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except Exception:
        # The invitation stays without sent_at; the owner sees it and can resend.
        logger.exception("could not e-mail invitation %s", invitation.pk)
        return False
    if not reminder:
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        invitation.sent_at = timezone.now()
    return True


# Nobody gets a second reminder within this time, whether the owner clicks again or beat runs.
REMINDER_GAP = timedelta(days=1)


def _reminder_candidates(*, assessment: Assessment, now: datetime) -> QuerySet[Invitation]:
    """Return the cycle's live invitations whose answers are not submitted and not just reminded."""
    return (
        assessment.invitations.filter(revoked_at__isnull=True, expires_at__gt=now)
        .exclude(response__submitted_at__isnull=False)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMINDER_GAP))
        .order_by("pk")
    )


def invitation_reminders_due(*, assessment: Assessment, now: datetime | None = None) -> int:
    """Return how many invitees a reminder would reach now."""
    if assessment.status != Assessment.Status.OPEN:
        return 0
    return _reminder_candidates(assessment=assessment, now=now or timezone.now()).count()


def invitation_reminders_send(
    *, assessment: Assessment, site_url: str, now: datetime | None = None
) -> int:
    """E-mail a reminder to every invitee who has not submitted; return how many were reminded.

    Anyone reminded in the last day is left out, so a second click (or beat) repeats nothing.
    """
    now = now or timezone.now()
    if assessment.status != Assessment.Status.OPEN:
        raise InvitationError(_("This cycle is closed: there is nobody left to remind."))
    sent = 0
    for invitation in _reminder_candidates(assessment=assessment, now=now):
        invitation.assessment = assessment
        sent += _remind(invitation=invitation, site_url=site_url, now=now, automatic=False)
    return sent


def invitation_reminders_auto(*, now: datetime | None = None) -> int:
    """Send each open cycle's automatic reminder to those invited N days ago who have not
    submitted, once per person; return how many were reminded. Run by beat."""
    now = now or timezone.now()
    sent = 0
    cycles = Assessment.objects.filter(
        status=Assessment.Status.OPEN, remind_after_days__isnull=False
    ).select_related("organization")
    for assessment in cycles:
        due = _reminder_candidates(assessment=assessment, now=now).filter(
            auto_reminded_at__isnull=True,
            created_at__lte=now - timedelta(days=assessment.remind_after_days or 0),
        )
        for invitation in due:
            invitation.assessment = assessment
            sent += _remind(
                invitation=invitation, site_url=settings.SITE_URL, now=now, automatic=True
            )
    return sent


def _remind(*, invitation: Invitation, site_url: str, now: datetime, automatic: bool) -> bool:
    """Issue a fresh link to one invitee and mail it; return whether the mail went.

    Only a hash of the first link is kept, so the reminder carries a new one (the answers
    already saved stay with the invitation). The conditional update claims the reminder: of
    two runs at once only one wins, and a failed mail puts everything back.
    """
    token, digest = token_new()
    stamps: dict[str, object] = {"reminded_at": now, "token_hash": digest}
    if automatic:
        stamps["auto_reminded_at"] = now
    claimed = Invitation.objects.filter(
        pk=invitation.pk,
        token_hash=invitation.token_hash,
        reminded_at=invitation.reminded_at,
    ).update(**stamps)
    if not claimed:
        return False
    if _send(invitation=invitation, token=token, site_url=site_url, reminder=True):
        return True
    Invitation.objects.filter(pk=invitation.pk, token_hash=digest).update(
        reminded_at=invitation.reminded_at,
        token_hash=invitation.token_hash,
        auto_reminded_at=invitation.auto_reminded_at,
    )
    return False
