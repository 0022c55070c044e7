"""Organizations, their strategy and their members."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from organizations.models import Membership, Organization, StrategyProfile

logger = logging.getLogger(__name__)

STRATEGY_FIELDS = ("target_customers", "segment", "primary_value", "value_discipline", "goals")


class MembershipError(Exception):
    """The member cannot be added; the message is written for people."""


@transaction.atomic
def organization_create(*, owner: User, **fields: Any) -> Organization:
    """Create an organization with the given user as its owner."""
    organization = Organization.objects.create(**fields)
    Membership.objects.create(user=owner, organization=organization, role=Membership.Role.OWNER)
    return organization


SETTINGS_FIELDS = (
    "name",
    "industry",
    "size_band",
    "capacity_days_per_month",
    "review_interval_days",
)


@transaction.atomic
def organization_update(*, organization: Organization, user: User, **fields: Any) -> list[str]:
    """Change the organization's settings; return the names of the fields that changed.

    Saving writes one history entry naming the user; an unchanged form writes none.
    """
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    changed = [name for name, value in fields.items() if getattr(organization, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(organization, name, fields[name])
    organization.full_clean(exclude=["reminded_at"])
    # simple_history reads this attribute, so the entry names the user outside a request too.
    organization._history_user = user  # type: ignore[attr-defined]
    organization.save(update_fields=changed)
    return changed


@transaction.atomic
def strategy_save(*, organization: Organization, **fields: Any) -> StrategyProfile:
    """Create or replace the organization's strategy; cycles already started keep their snapshot."""
    unknown = set(fields) - set(STRATEGY_FIELDS)
    if unknown:
        raise TypeError(f"unknown strategy fields: {sorted(unknown)}")
    profile, _created = StrategyProfile.objects.update_or_create(
        organization=organization, defaults=fields
    )
    return profile


@dataclass(frozen=True, slots=True)
class MemberInvited:
    membership: Membership
    new_account: bool
    emailed: bool


def member_invite(
    *,
    organization: Organization,
    email: str,
    role: str,
    invited_by: User,
    site_url: str,
) -> MemberInvited:
    """Add a co-owner or manager by e-mail and send them a way in.

    Someone without an account gets one with no usable password and a link to choose it
    (Django's password-reset token: single use, expiring after PASSWORD_RESET_TIMEOUT).
    """
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise MembershipError(f"Unknown role {role!r}.")
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(username__iexact=email).first()
        new_account = user is None
        if user is None:
            user = user_model(username=email, email=email)
            user.set_unusable_password()
            user.save()
        elif Membership.objects.filter(user=user, organization=organization).exists():
            raise MembershipError(f"{email} is a member of {organization.name} already.")
        membership = Membership.objects.create(user=user, organization=organization, role=role)
    emailed = _send_member_mail(
        membership=membership, invited_by=invited_by, new_account=new_account, site_url=site_url
    )
    return MemberInvited(membership=membership, new_account=new_account, emailed=emailed)


def _send_member_mail(
    *, membership: Membership, invited_by: User, new_account: bool, site_url: str
) -> bool:
    user = membership.user
    if new_account:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("login")
    context = {
        "membership": membership,
        "organization": membership.organization,
        "invited_by": invited_by,
        "new_account": new_account,
        "link": site_url.rstrip("/") + path,
    }
    try:
        send_mail(
            f"You have been added to {membership.organization.mail_name} on Resonance",
            render_to_string("organizations/email_member.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception:
        logger.exception("could not e-mail new member %s", membership.pk)
        return False
    return True
