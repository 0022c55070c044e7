"""Organizations, their strategy and their members."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.addresses import normalize_email
from organizations.languages import language_active, organization_language
from organizations.mail import send_mail
from organizations.models import Membership, Organization, StrategyProfile

logger = logging.getLogger(__name__)

STRATEGY_FIELDS = ("target_customers", "segment", "primary_value", "value_discipline", "goals")


class MembershipError(Exception):
    """The member cannot be added; the message is written for people."""


@transaction.atomic
def organization_create(*, owner: User, **fields: Any) -> Organization:
    """Create an organization with the given user as its owner.

    Without a language given, its reports and mails are in the language the owner uses now.
    """
    fields.setdefault("language", language_active())
    organization = Organization.objects.create(**fields)
    Membership.objects.create(user=owner, organization=organization, role=Membership.Role.OWNER)
    return organization


SETTINGS_FIELDS = (
    "name",
    "industry",
    "size_band",
    "capacity_days_per_month",
    "review_interval_days",
    "time_zone",
    "language",
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

    Someone without a verified account gets a link to choose a password (allauth's reset key:
    single use, expiring). Following it proves the mailbox, so an account someone else signed up
    with this address, unverified, ends up with the password of the mailbox's real owner.
    """
    email = normalize_email(email)
    if role not in Membership.Role.values:
        raise MembershipError(f"Unknown role {role!r}.")
    user_model = get_user_model()
    with transaction.atomic():
        address = EmailAddress.objects.filter(email=email).order_by("-verified").first()
        user = address.user if address else user_model.objects.filter(username=email).first()
        if user is None:
            user = user_model(username=email, email=email)
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
        elif Membership.objects.filter(user=user, organization=organization).exists():
            raise MembershipError(
                _("%(email)s is a member of %(organization)s already.")
                % {"email": email, "organization": organization.name}
            )
        membership = Membership.objects.create(user=user, organization=organization, role=role)
        new_account = not (address and address.verified)
    emailed = _send_member_mail(
        membership=membership, invited_by=invited_by, new_account=new_account, site_url=site_url
    )
    return MemberInvited(membership=membership, new_account=new_account, emailed=emailed)


def _send_member_mail(
    *, membership: Membership, invited_by: User, new_account: bool, site_url: str
) -> bool:
    with organization_language(membership.organization):
        return _send_member_mail_written(
            membership=membership, invited_by=invited_by, new_account=new_account, site_url=site_url
        )


def _send_member_mail_written(
    *, membership: Membership, invited_by: User, new_account: bool, site_url: str
) -> bool:
    user = membership.user
    if new_account:
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("account_login")
    context = {
        "membership": membership,
        "organization": membership.organization,
        "invited_by": invited_by,
        "new_account": new_account,
        "link": site_url.rstrip("/") + path,
    }
    try:
        send_mail(
            _("You have been added to %(organization)s on Resonance")
            % {"organization": membership.organization.mail_name},
            render_to_string("organizations/email_member.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception:
        logger.exception("could not e-mail new member %s", membership.pk)
        return False
    return True
