"""Team briefs: what the owner tells everyone after a cycle, who read it, and what they asked."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Invitation
from organizations.models import Level
from reports.models import ActionItem

TEXT_MAX = 2000


class Brief(models.Model):
    """The owner's working copy for one cycle; readers only ever see a published version."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="brief", verbose_name=_("assessment")
    )
    customers = models.TextField(_("who our customers are"), max_length=1000)
    value = models.TextField(_("what value we offer"), max_length=1000)
    operations = models.TextField(_("how we operate"), max_length=1000)
    note = models.TextField(_("a note from the owner"), blank=True, max_length=TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("team brief")
        verbose_name_plural = _("team briefs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("Brief for %(cycle)s") % {"cycle": self.assessment}

    def get_absolute_url(self) -> str:
        return reverse("briefs:view", args=[self.assessment_id])


class BriefVersion(models.Model):
    """One published text of a brief; a correction adds a version, readers see the newest."""

    brief = models.ForeignKey(
        Brief, on_delete=models.CASCADE, related_name="versions", verbose_name=_("brief")
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    customers = models.TextField(max_length=1000, verbose_name=_("customers"))
    value = models.TextField(max_length=1000, verbose_name=_("value"))
    operations = models.TextField(max_length=1000, verbose_name=_("operations"))
    note = models.TextField(blank=True, max_length=TEXT_MAX, verbose_name=_("note"))
    band = models.CharField(max_length=20, verbose_name=_("band"))
    # The top plan items as they stood when published: [{"item", "title", "assignee", "due"}].
    items = models.JSONField(default=list, verbose_name=_("items"))
    published_at = models.DateTimeField(verbose_name=_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("brief version")
        verbose_name_plural = _("brief versions")
        ordering = ["brief", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["brief", "number"], name="brief_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.brief} v{self.number}"


class BriefLink(models.Model):
    """A personal link to the brief for one invitee; only a hash of its token is stored.

    Read receipts live here. Questions and ideas deliberately do not: nothing ties them to a link.
    """

    brief = models.ForeignKey(
        Brief, on_delete=models.CASCADE, related_name="links", verbose_name=_("brief")
    )
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.CASCADE,
        related_name="brief_link",
        verbose_name=_("invitation"),
    )
    level = models.CharField(max_length=10, choices=Level, verbose_name=_("level"))
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("brief link")
        verbose_name_plural = _("brief links")
        ordering = ["brief", "pk"]

    def __str__(self) -> str:
        # Translators: the level is a code (owner, manager, staff).
        return _("%(level)s link to %(brief)s") % {"level": self.level, "brief": self.brief}


class BriefPost(models.Model):
    """A question or idea about one plan item, kept without any trace of who wrote it.

    No foreign key to a link, invitation, response or user, no address, and only the day it
    was written: a time of day could be lined up with a read receipt.
    """

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        IDEA = "idea", _("Idea")

    brief = models.ForeignKey(
        Brief, on_delete=models.CASCADE, related_name="posts", verbose_name=_("brief")
    )
    action_item = models.ForeignKey(
        ActionItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action item"),
    )
    item_title = models.CharField(max_length=200, verbose_name=_("item title"))
    kind = models.CharField(max_length=10, choices=Kind, verbose_name=_("kind"))
    text = models.TextField(max_length=TEXT_MAX, verbose_name=_("text"))
    created_on = models.DateField(verbose_name=_("created on"))
    answer = models.TextField(blank=True, max_length=TEXT_MAX, verbose_name=_("answer"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("answered at"))

    class Meta:
        verbose_name = _("question or idea")
        verbose_name_plural = _("questions and ideas")
        ordering = ["brief", "item_title", "created_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["question", "idea"]), name="brief_post_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s on %(item)s") % {
            "kind": self.get_kind_display(),
            "item": self.item_title,
        }
