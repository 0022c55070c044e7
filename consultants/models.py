"""Consultant access: a grant from an organization to a consultant."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Organization, grant_in_force


class ConsultantAccess(models.Model):
    """A grant from an organization to a consultant; active while not revoked."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="consultant_grants",
        verbose_name=_("organization"),
    )
    email = models.EmailField(verbose_name=_("email"))
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consultant_grants",
        verbose_name=_("consultant"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("granted at"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    # Every grant, acceptance and revocation, with who did it and when.
    history = HistoricalRecords(table_name="assessments_historicalconsultantaccess")

    class Meta:
        verbose_name = _("consultant access grant")
        db_table = "assessments_consultantaccess"  # kept from before the app split
        verbose_name_plural = _("consultant access grants")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(revoked_at__isnull=True),
                name="consultant_access_one_active_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @staticmethod
    def in_force(prefix: str = "") -> Q:
        """Return the condition of a grant in force (accepted, not revoked), under `prefix`."""
        return grant_in_force(prefix)
