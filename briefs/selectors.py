"""Reads about team briefs. Who may see what is decided here, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Assessment
from assessments.selectors import assessment_get
from assessments.services.invitations import TOKEN_MAX_LENGTH, token_digest
from briefs.models import Brief, BriefLink, BriefPost, BriefVersion
from organizations.models import Level, Organization
from organizations.selectors import is_owner

# Below this many people in a group, how many of them read the brief is not shown.
MIN_GROUP = 3


class BriefLinkUnknownError(Exception):
    """No link has this token: mistyped, cut short or tampered with."""


class BriefLinkGoneError(Exception):
    """The link existed but no longer opens the brief."""

    REASONS: ClassVar[dict[str, object]] = {
        "expired": gettext_lazy("This link to the team brief has expired."),
        "replaced": gettext_lazy(
            "This brief has been replaced: a newer assessment cycle has closed since."
        ),
    }

    def __init__(self, reason: str, link: BriefLink) -> None:
        super().__init__(str(self.REASONS[reason]))
        self.reason = reason
        self.link = link


def brief_of(*, assessment: Assessment) -> Brief | None:
    """Return the cycle's brief (draft or published), if the owner started one."""
    return Brief.objects.filter(assessment=assessment).first()


def brief_latest_version(*, brief: Brief) -> BriefVersion | None:
    """Return the newest published version, the one readers see."""
    return brief.versions.order_by("-number").first()


def brief_can_manage(*, user: User | AnonymousUser, assessment: Assessment) -> bool:
    """Return whether the user prepares, publishes and answers the brief: an owner."""
    return is_owner(user=user, organization=assessment.organization)


def brief_owned_get(*, user: User | AnonymousUser, pk: int) -> Assessment:
    """Return the cycle whose brief the user manages, or raise Http404 for anyone else."""
    assessment = assessment_get(user=user, pk=pk)
    if not brief_can_manage(user=user, assessment=assessment):
        raise Http404("No such brief.")
    return assessment


def brief_published_get(*, user: User | AnonymousUser, pk: int) -> tuple[Brief, BriefVersion]:
    """Return a published brief members and consultants may read, or raise Http404."""
    assessment = assessment_get(user=user, pk=pk)
    brief = brief_of(assessment=assessment)
    version = brief_latest_version(brief=brief) if brief else None
    if brief is None or version is None:
        raise Http404("No published brief.")
    return brief, version


def brief_items_shown(items: list[dict[str, object]]) -> list[dict[str, object]]:
    """Return the brief's plan items with their position and due date ready for a template."""
    return [
        {**item, "index": index, "due_date": date.fromisoformat(str(item["due"]))}
        for index, item in enumerate(items)
    ]


def cycle_superseded(*, assessment: Assessment) -> bool:
    """Return whether a newer cycle of the organization has closed since this one."""
    return (
        Assessment.objects.filter(
            organization_id=assessment.organization_id,
            created_at__gt=assessment.created_at,
            status__in=[Assessment.Status.CLOSED, Assessment.Status.SCORED],
        )
        .exclude(pk=assessment.pk)
        .exists()
    )


def brief_link_resolve(*, token: str, now: datetime | None = None) -> BriefLink:
    """Return the link a token opens, or raise BriefLinkUnknownError / BriefLinkGoneError."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise BriefLinkUnknownError
    try:
        link = BriefLink.objects.select_related(
            "brief__assessment__organization", "invitation"
        ).get(token_hash=token_digest(token))
    except BriefLink.DoesNotExist:
        raise BriefLinkUnknownError from None
    if cycle_superseded(assessment=link.brief.assessment):
        raise BriefLinkGoneError("replaced", link)
    if link.expires_at <= (now or timezone.now()):
        raise BriefLinkGoneError("expired", link)
    return link


def brief_posts(*, brief: Brief) -> QuerySet[BriefPost]:
    """Return every question and idea of the brief, for the owner and consultants."""
    return brief.posts.order_by("item_title", "-created_on", "-pk")


def brief_posts_answered(*, brief: Brief) -> QuerySet[BriefPost]:
    """Return the questions and ideas the owner answered: everyone reading the brief sees them."""
    return brief.posts.exclude(answer="").order_by("item_title", "created_on", "pk")


@dataclass(frozen=True, slots=True)
class LevelReads:
    level: str
    label: str
    invited: int
    read: int

    @property
    def hidden(self) -> bool:
        return self.invited < MIN_GROUP


@dataclass(frozen=True, slots=True)
class ReadCounts:
    levels: tuple[LevelReads, ...]
    invited: int
    read: int
    total_hidden: bool

    @property
    def rate(self) -> int | None:
        """Return the share who read it in whole percent, None when it may not be shown."""
        if self.total_hidden or not self.invited:
            return None
        return round(100 * self.read / self.invited)


LEVEL_LABELS: dict[str, object] = {
    Level.OWNER: gettext_lazy("Owners"),
    Level.MANAGER: gettext_lazy("Managers"),
    Level.STAFF: gettext_lazy("Staff"),
}


def brief_read_counts(*, brief: Brief) -> ReadCounts:
    """Return how many people per level read the brief, hiding groups of fewer than three.

    The total is hidden as well when it would give a hidden group away by subtraction: that is,
    when the hidden groups together hold one or two people.
    """
    rows = {
        row["level"]: row
        for row in brief.links.values("level").annotate(
            invited=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False))
        )
    }
    levels = tuple(
        LevelReads(
            level=level,
            label=str(LEVEL_LABELS[level]),
            invited=rows[level]["invited"],
            read=rows[level]["read"],
        )
        for level in Level.values
        if level in rows
    )
    hidden_people = sum(row.invited for row in levels if row.hidden)
    invited = sum(row.invited for row in levels)
    return ReadCounts(
        levels=levels,
        invited=invited,
        read=sum(row.read for row in levels),
        total_hidden=invited < MIN_GROUP or 0 < hidden_people < MIN_GROUP,
    )


def brief_latest_published(*, organization: Organization) -> tuple[Brief, BriefVersion] | None:
    """Return the organization's most recent cycle brief that was published, with its version."""
    brief = (
        Brief.objects.filter(assessment__organization=organization, versions__isnull=False)
        .select_related("assessment")
        .order_by("-assessment__created_at")
        .first()
    )
    if brief is None:
        return None
    version = brief_latest_version(brief=brief)
    return (brief, version) if version else None


def previous_brief_evidence(assessment: Assessment) -> list[str]:
    """Return what the previous cycle's team brief says about communication, as evidence lines.

    Registered with reports (which may not import this app) for the communication pitfall.
    """
    previous = (
        Assessment.objects.filter(
            organization_id=assessment.organization_id,
            created_at__lt=assessment.created_at,
            status=Assessment.Status.SCORED,
        )
        .order_by("-created_at")
        .first()
    )
    if previous is None:
        return []
    brief = brief_of(assessment=previous)
    if brief is None or not brief.versions.exists():
        return [
            _("No team brief was published after the previous cycle (%(label)s).")
            % {"label": previous.label}
        ]
    counts = brief_read_counts(brief=brief)
    if counts.rate is None:
        return [
            _(
                "A team brief was published after the previous cycle (%(label)s); how many "
                "read it is hidden, since a group of fewer than three people would show."
            )
            % {"label": previous.label}
        ]
    return [
        _(
            "%(read)d of %(invited)d people invited read the team brief of the previous cycle "
            "(%(label)s): a read rate of %(rate)d %%."
        )
        % {
            "read": counts.read,
            "invited": counts.invited,
            "label": previous.label,
            "rate": counts.rate,
        }
    ]


@dataclass(frozen=True, slots=True)
class BriefSummary:
    """The organization's latest published brief as a consultant's dashboard shows it."""

    assessment: Assessment
    version: BriefVersion
    counts: ReadCounts


def brief_summary(*, organization: Organization) -> BriefSummary | None:
    """Return the latest published brief of the organization with its read counts."""
    found = brief_latest_published(organization=organization)
    if found is None:
        return None
    brief, version = found
    return BriefSummary(
        assessment=brief.assessment, version=version, counts=brief_read_counts(brief=brief)
    )
