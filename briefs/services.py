"""Writes about team briefs: prepare, publish, mail the links, read receipts, questions, answers.

A link's token follows the invitation rules: 256 random bits, only its SHA-256 stored.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.selectors import snapshot_labels
from assessments.services.invitations import TOKEN_BYTES, token_digest
from briefs.models import Brief, BriefLink, BriefPost, BriefVersion
from briefs.selectors import brief_latest_version, cycle_superseded
from organizations.languages import language_for_person, language_override
from organizations.mail import send_mail
from reports.models import Report

logger = logging.getLogger(__name__)

BRIEF_LINKS_SEND_TASK = "briefs.tasks.brief_links_send_task"
LINK_MAX_DAYS = 120
PLAN_ITEMS = 3
POSTS_PER_HOUR = 5


class BriefError(Exception):
    """The owner asked for something the cycle or brief does not allow yet."""


class BriefPostLimitError(Exception):
    """Too many questions and ideas from one link within the hour."""


def _ready_report(assessment: Assessment) -> Report:
    # Read from the database: the caller's row may predate the build that scored the cycle.
    report = Report.objects.filter(
        assessment_id=assessment.pk,
        status=Report.Status.READY,
        assessment__status=Assessment.Status.SCORED,
    ).first()
    if report is None:
        raise BriefError(_("The brief can be prepared once the cycle's report is ready."))
    return report


def brief_prepare(*, assessment: Assessment) -> Brief:
    """Return the cycle's brief, starting it from the cycle's strategy when there is none."""
    _ready_report(assessment)
    strategy = snapshot_labels(assessment=assessment)
    brief, _created = Brief.objects.get_or_create(
        assessment=assessment,
        defaults={
            "customers": str(strategy.get("target_customers") or ""),
            "value": str(strategy.get("primary_value") or ""),
            "operations": str(strategy.get("value_discipline") or ""),
        },
    )
    return brief


@transaction.atomic
def brief_save(*, brief: Brief, customers: str, value: str, operations: str, note: str) -> Brief:
    """Store the owner's edits; readers see them only once published."""
    brief.customers, brief.value, brief.operations, brief.note = customers, value, operations, note
    brief.save(update_fields=["customers", "value", "operations", "note", "updated_at"])
    return brief


def brief_plan_items(*, assessment: Assessment) -> list[dict[str, object]]:
    """Return the plan's first three items as the brief shows them: what, who and by when."""
    items = assessment.action_items.order_by("position", "pk")[:PLAN_ITEMS]
    return [
        {
            "item": item.pk,
            "title": item.title,
            "assignee": item.assignee,
            "due": item.due.isoformat(),
        }
        for item in items
    ]


@transaction.atomic
def brief_publish(*, brief: Brief, user: User, mail_links: bool = True) -> BriefVersion:
    """Publish the working copy as the brief's newest version; the first also mails the links.

    Corrections reach readers through the links they already hold, so nothing is mailed again.
    """
    brief = Brief.objects.select_for_update().select_related("assessment").get(pk=brief.pk)
    report = _ready_report(brief.assessment)
    if cycle_superseded(assessment=brief.assessment):
        # Its links would open on the "replaced" page at once.
        raise BriefError(
            _("A newer cycle has closed since this one: tell the team about that one instead.")
        )
    last = brief.versions.order_by("-number").first()
    version = BriefVersion.objects.create(
        brief=brief,
        number=(last.number + 1) if last else 1,
        customers=brief.customers,
        value=brief.value,
        operations=brief.operations,
        note=brief.note,
        band=report.band,
        items=brief_plan_items(assessment=brief.assessment),
        published_at=timezone.now(),
        published_by=user,
    )
    if last is None and mail_links:
        brief_id = brief.pk
        transaction.on_commit(lambda: brief_links_enqueue(brief_id=brief_id))
    return version


def brief_links_enqueue(*, brief_id: int) -> bool:
    """Queue the mailing of the links; return False (and log) when the broker cannot take it."""
    try:
        current_app.tasks[BRIEF_LINKS_SEND_TASK].apply_async(args=(brief_id,), ignore_result=True)
    except Exception:
        # The links stay unsent; the owner's page offers to send them again.
        logger.exception("could not queue the links of brief %s", brief_id)
        return False
    return True


def brief_link_url(*, token: str, site_url: str | None = None) -> str:
    """Return the absolute address of a personal brief link."""
    base = (site_url or settings.SITE_URL).rstrip("/")
    return base + reverse("briefs:read", args=[token])


def brief_links_send(*, brief_id: int, site_url: str | None = None) -> int:
    """Mail a personal link to every invitee of the cycle still without a sent one.

    Safe to run twice: a link whose mail went is never sent again. A link whose mail failed
    gets a fresh token next time, since its first one was never kept.
    """
    brief = Brief.objects.select_related("assessment__organization").get(pk=brief_id)
    version = brief_latest_version(brief=brief)
    if version is None:
        return 0
    invitations = brief.assessment.invitations.filter(revoked_at__isnull=True).order_by("pk")
    expires_at = version.published_at + timedelta(days=LINK_MAX_DAYS)
    sent = 0
    for invitation in invitations:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with transaction.atomic():
            link, created = BriefLink.objects.select_for_update().get_or_create(
                invitation=invitation,
                defaults={
                    "brief": brief,
                    "level": invitation.level,
                    "token_hash": token_digest(token),
                    "expires_at": expires_at,
                },
            )
            if link.sent_at is not None:
                continue
            if not created:
                link.token_hash = token_digest(token)
                link.save(update_fields=["token_hash"])
            if not _mail_link(
                brief=brief, link=link, email=invitation.email, token=token, site_url=site_url
            ):
                continue
            link.sent_at = timezone.now()
            link.save(update_fields=["sent_at"])
            sent += 1
    return sent


def _mail_link(
    *, brief: Brief, link: BriefLink, email: str, token: str, site_url: str | None
) -> bool:
    # In the language chosen for the person's invitation, else the organization's.
    language = language_for_person(link.invitation, brief.assessment.organization)
    with language_override(language):
        return _mail_link_written(
            brief=brief, link=link, email=email, token=token, site_url=site_url
        )


def _mail_link_written(
    *, brief: Brief, link: BriefLink, email: str, token: str, site_url: str | None
) -> bool:
    organization = brief.assessment.organization
    context = {
        "organization": organization,
        "assessment": brief.assessment,
        "link": brief_link_url(token=token, site_url=site_url),
        "expires_at": link.expires_at,
    }
    subject = _("%(organization)s: what the team assessment found, and what happens next") % {
        "organization": organization.mail_name
    }
    try:
        send_mail(
            subject,
            render_to_string("briefs/email_link.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    except Exception:
        logger.exception("could not e-mail brief link %s", link.pk)
        return False
    return True


def brief_link_mark_read(*, link: BriefLink) -> BriefLink:
    """Record that the link's reader read the brief (the first time counts)."""
    BriefLink.objects.filter(pk=link.pk, read_at__isnull=True).update(read_at=timezone.now())
    link.refresh_from_db(fields=["read_at"])
    return link


def _limit_key(link: BriefLink) -> str:
    # The counter lives an hour in the cache and never in the database beside the posts.
    return "briefs:posts:" + hashlib.sha256(link.token_hash.encode()).hexdigest()


def brief_post_allowed(*, link: BriefLink) -> bool:
    """Return whether the link may still post within this hour."""
    try:
        return int(cache.get(_limit_key(link), 0)) < POSTS_PER_HOUR
    except Exception:
        logger.warning("brief post counter unreadable; allowing", exc_info=True)
        return True


def _count_post(link: BriefLink) -> int:
    """Count one post against the link's hour and return the count (0 if the cache is down)."""
    key = _limit_key(link)
    try:
        cache.add(key, 0, timeout=3600)
        try:
            return int(cache.incr(key))
        except ValueError:  # the key expired between add and incr
            cache.set(key, 1, timeout=3600)
            return 1
    except Exception:
        # Without the cache a question still gets through: losing it would be worse than
        # a burst of extra ones for the owner to read.
        logger.warning("brief post counter unavailable; not limiting", exc_info=True)
        return 0


def brief_post_create(*, link: BriefLink, item_index: int, kind: str, text: str) -> BriefPost:
    """Store an anonymous question or idea on one plan item of the latest version.

    Nothing of the link goes into the row; the link only counts against the hourly limit.
    """
    if _count_post(link) > POSTS_PER_HOUR:
        raise BriefPostLimitError(
            _("You have sent %(limit)d questions or ideas in the last hour: please wait a while.")
            % {"limit": POSTS_PER_HOUR}
        )
    version = brief_latest_version(brief=link.brief)
    if version is None or not 0 <= item_index < len(version.items):
        raise BriefError(_("This plan item is not in the brief."))
    item = version.items[item_index]
    if kind not in BriefPost.Kind.values:
        raise BriefError(_("Choose a question or an idea."))
    action_item_id = item.get("item")
    return BriefPost.objects.create(
        brief_id=link.brief_id,
        action_item_id=action_item_id
        if link.brief.assessment.action_items.filter(pk=action_item_id).exists()
        else None,
        item_title=str(item.get("title", ""))[:200],
        kind=kind,
        text=text,
        created_on=timezone.localdate(),
    )


@transaction.atomic
def brief_post_answer(*, post: BriefPost, answer: str) -> BriefPost:
    """Store the owner's answer, shown on the brief to everyone who reads it."""
    post.answer = answer
    post.answered_at = timezone.now() if answer else None
    post.save(update_fields=["answer", "answered_at"])
    return post
