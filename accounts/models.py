"""What a person sets for themselves, kept on their account."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.languages import language_choices


class Preferences(models.Model):
    """One user's own settings; a row exists once they changed one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    # Blank: the browser's language (Accept-Language) decides.
    language = models.CharField(
        _("language"), max_length=8, choices=language_choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
