"""Consultant access: an owner grants it by e-mail, the consultant accepts or declines, the owner
revokes. Every step is logged and kept in the grant's history (who, when, what)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultants.models import ConsultantAccess
from consultants.selectors import verified_addresses_of
from organizations.addresses import normalize_email
from organizations.languages import organization_language
from organizations.mail import send_mail
from organizations.models import Membership, Organization

logger = logging.getLogger(__name__)


class ConsultantAccessError(Exception):
    """The step cannot be taken; the message is written for people."""


class GrantStatus:
    PENDING = "pending"
    ACTIVE = "active"
    DECLINED = "declined"
    REVOKED = "revoked"


# What each history entry means, stored as simple_history's change reason.
REASON_GRANTED = "granted"
REASON_ACCEPTED = "accepted"
REASON_DECLINED = "declined"
REASON_REVOKED = "revoked"


def grant_status(grant: ConsultantAccess) -> str:
    """Return pending, active, declined or revoked.

    A declined grant is closed with the consultant who declined it recorded and no acceptance;
    a grant the owner withdrew before anyone answered it has no consultant.
    """
    if grant.revoked_at is None:
        return GrantStatus.ACTIVE if grant.accepted_at else GrantStatus.PENDING
    if grant.accepted_at is None and grant.consultant_id is not None:
        return GrantStatus.DECLINED
    return GrantStatus.REVOKED


def _save(grant: ConsultantAccess, *, user: User, reason: str, **kw: Any) -> None:
    # simple_history reads these two attributes, so the log names the actor even outside a request.
    grant._history_user = user  # type: ignore[attr-defined]
    grant._change_reason = reason  # type: ignore[attr-defined]
    grant.save(**kw)


def _same_email(user: User, email: str) -> bool:
    # Only an address the user proved by a mailed link counts: a sign-up as
    # "Consultant@Firm.example" proves nothing about consultant@firm.example's mailbox.
    return normalize_email(email) in set(verified_addresses_of(user=user))


def consultant_grant(
    *, organization: Organization, email: str, granted_by: User, site_url: str
) -> tuple[ConsultantAccess, bool]:
    """Grant a consultant access by e-mail and mail them a link; return (grant, e-mailed)."""
    email = normalize_email(email)
    if not Membership.objects.filter(
        organization=organization, user=granted_by, role=Membership.Role.OWNER
    ).exists():
        raise ConsultantAccessError(_("Only an owner can grant consultant access."))
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ConsultantAccessError(
            _("%(email)s is a member of %(organization)s already.")
            % {"email": email, "organization": organization.name}
        )
    open_grants = organization.consultant_grants.filter(
        email__iexact=email, revoked_at__isnull=True
    )
    if open_grants.exists():
        raise ConsultantAccessError(
            _("%(email)s has been granted access already.") % {"email": email}
        )
    grant = ConsultantAccess(organization=organization, email=email, granted_by=granted_by)
    try:
        with transaction.atomic():
            _save(grant, user=granted_by, reason=REASON_GRANTED)
    except IntegrityError as exc:  # the same grant made at the same moment in another request
        raise ConsultantAccessError(
            _("%(email)s has been granted access already.") % {"email": email}
        ) from exc
    logger.info(
        "consultant access %s granted to %s for organization %s by user %s",
        grant.pk,
        email,
        organization.pk,
        granted_by.pk,
    )
    return grant, _send_grant_mail(grant=grant, site_url=site_url)


def _send_grant_mail(*, grant: ConsultantAccess, site_url: str) -> bool:
    with organization_language(grant.organization):
        return _send_grant_mail_written(grant=grant, site_url=site_url)


def _send_grant_mail_written(*, grant: ConsultantAccess, site_url: str) -> bool:
    base = site_url.rstrip("/")
    context = {
        "grant": grant,
        "organization": grant.organization,
        "granted_by": grant.granted_by,
        "link": base + reverse("consultants:invitations"),
        "signup_link": base + reverse("signup"),
    }
    try:
        send_mail(
            _("%(organization)s invites you to see their Resonance results")
            % {"organization": grant.organization.mail_name},
            render_to_string("consultants/email_grant.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [grant.email],
        )
    except Exception:
        logger.exception("could not e-mail consultant grant %s", grant.pk)
        return False
    return True


def _open_grant_for(*, grant_id: int, user: User) -> ConsultantAccess:
    grant = (
        ConsultantAccess.objects.select_for_update()
        .select_related("organization")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None or not _same_email(user, grant.email):
        raise ConsultantAccessError(_("This invitation was sent to another e-mail address."))
    if grant.revoked_at is not None:
        raise ConsultantAccessError(_("This invitation has been withdrawn or declined."))
    if grant.accepted_at is not None:
        raise ConsultantAccessError(_("You accepted this invitation already."))
    return grant


@transaction.atomic
def consultant_accept(*, grant_id: int, user: User) -> ConsultantAccess:
    """Accept a pending grant; only its addressee (same e-mail, logged in) can."""
    grant = _open_grant_for(grant_id=grant_id, user=user)
    grant.consultant = user
    grant.accepted_at = timezone.now()
    _save(grant, user=user, reason=REASON_ACCEPTED, update_fields=["consultant", "accepted_at"])
    logger.info("consultant access %s accepted by user %s", grant.pk, user.pk)
    return grant


@transaction.atomic
def consultant_decline(*, grant_id: int, user: User) -> ConsultantAccess:
    """Decline a pending grant; it closes and the owner sees it declined."""
    grant = _open_grant_for(grant_id=grant_id, user=user)
    grant.consultant = user
    grant.revoked_at = timezone.now()
    _save(grant, user=user, reason=REASON_DECLINED, update_fields=["consultant", "revoked_at"])
    logger.info("consultant access %s declined by user %s", grant.pk, user.pk)
    return grant


@transaction.atomic
def consultant_revoke(
    *, organization: Organization, grant_id: int, revoked_by: User
) -> ConsultantAccess:
    """Withdraw a pending or active grant of the organization; owners only."""
    if not Membership.objects.filter(
        organization=organization, user=revoked_by, role=Membership.Role.OWNER
    ).exists():
        raise ConsultantAccessError(_("Only an owner can revoke consultant access."))
    grant = organization.consultant_grants.select_for_update().filter(pk=grant_id).first()
    if grant is None:
        raise ConsultantAccessError(_("There is no such grant for this organization."))
    if grant.revoked_at is not None:
        raise ConsultantAccessError(
            _("Access for %(email)s is closed already.") % {"email": grant.email}
        )
    grant.revoked_at = timezone.now()
    _save(grant, user=revoked_by, reason=REASON_REVOKED, update_fields=["revoked_at"])
    logger.info(
        "consultant access %s (%s) revoked for organization %s by user %s",
        grant.pk,
        grant.email,
        organization.pk,
        revoked_by.pk,
    )
    return grant
