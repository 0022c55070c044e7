"""Organizations, their members and their stated strategy."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.languages import language_choices, language_default
from organizations.mail import header_text
from organizations.zones import DEFAULT_TIME_ZONE, time_zone_validate


class ValueDiscipline(models.TextChoices):
    OPERATIONAL_EXCELLENCE = "operational_excellence", _("Operational excellence")
    PRODUCT_LEADERSHIP = "product_leadership", _("Product leadership")
    CUSTOMER_INTIMACY = "customer_intimacy", _("Customer intimacy")


class Level(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Staff")


def grant_in_force(prefix: str = "") -> Q:
    """Return the condition of a consultant grant in force (accepted, not revoked).

    It lives here, not in the consultants app, because who may see an organization is decided
    by organizations and assessments, which sit below consultants and must not import it.
    """
    return Q(**{f"{prefix}accepted_at__isnull": False, f"{prefix}revoked_at__isnull": True})


class Organization(models.Model):
    class Industry(models.TextChoices):
        FOOD = "food", _("Food and drink")
        RETAIL = "retail", _("Retail")
        HOSPITALITY = "hospitality", _("Hospitality and tourism")
        MANUFACTURING = "manufacturing", _("Manufacturing")
        CONSTRUCTION = "construction", _("Construction and trades")
        PROFESSIONAL = "professional", _("Professional services")
        TECHNOLOGY = "technology", _("Technology")
        HEALTH = "health", _("Health and care")
        OTHER = "other", _("Other")

    class SizeBand(models.TextChoices):
        MICRO = "micro", _("1–9 people")
        SMALL = "small", _("10–49 people")
        MEDIUM = "medium", _("50–249 people")

    name = models.CharField(max_length=120)
    industry = models.CharField(max_length=20, choices=Industry)
    size_band = models.CharField(max_length=10, choices=SizeBand)
    capacity_days_per_month = models.DecimalField(
        _("capacity for improvement work (person-days per month)"),
        max_digits=5,
        decimal_places=1,
        default=4,
        validators=[MinValueValidator(0.5), MaxValueValidator(500)],
    )
    review_interval_days = models.PositiveSmallIntegerField(
        _("review interval (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_("How often the business should reassess; a reminder is e-mailed after this."),
    )
    # An IANA name; pages, mails, PDFs and exports show the organization's times in it.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[time_zone_validate],
        help_text=_("Times of this organization are shown in this zone, e.g. Europe/London."),
    )
    # Reports, PDFs and mails to the organization's people are written in it (§12); the pages
    # themselves follow each person's own language.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=language_choices,
        default=language_default,
        help_text=_("Reports, PDFs and e-mails to your people are written in this language."),
    )
    # When the owners were last reminded that a reassessment is due (null: not due or done).
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Owners change name, industry, size, capacity, interval and zone on the settings page; the
    # history says who changed what and when. The reminder stamp is bookkeeping, not a setting.
    history = HistoricalRecords(excluded_fields=["reminded_at"])

    class Meta:
        db_table = "assessments_organization"  # kept from before the app split
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_days_per_month__gt=0), name="organization_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:organization", args=[self.pk])

    @property
    def mail_name(self) -> str:
        """Return the name as a mail header may hold it: one line, no control characters."""
        return header_text(self.name)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "assessments_membership"  # kept from before the app split
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization} ({self.role})"


class StrategyProfile(models.Model):
    """The organization's current statement of strategy; each cycle keeps a snapshot."""

    class PrimaryValue(models.TextChoices):
        PRICE = "price", _("Price – we are the affordable choice")
        QUALITY = "quality", _("Quality – we are the best at what we make")
        CONVENIENCE = "convenience", _("Convenience – we are the easiest to buy from")
        INNOVATION = "innovation", _("Innovation – we offer what nobody else has yet")
        SERVICE = "service", _("Service – we know and look after every customer")

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="strategy"
    )
    target_customers = models.TextField(
        _("who your customers are"),
        max_length=1000,
        help_text=_("Describe them in a sentence or two."),
    )
    segment = models.CharField(
        _("customer segment in a few words"),
        max_length=120,
        help_text=_("Used in your action plan, e.g. “budget-conscious families”."),
    )
    primary_value = models.CharField(max_length=20, choices=PrimaryValue)
    value_discipline = models.CharField(max_length=30, choices=ValueDiscipline)
    goals = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "assessments_strategyprofile"  # kept from before the app split

    def __str__(self) -> str:
        return f"Strategy of {self.organization}"

    def snapshot(self) -> dict[str, str]:
        return {
            "target_customers": self.target_customers,
            "segment": self.segment,
            "primary_value": self.primary_value,
            "value_discipline": self.value_discipline,
            "goals": self.goals,
        }
