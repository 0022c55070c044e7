from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PulsesConfig(AppConfig):
    name = "pulses"
    verbose_name = _("Pulse check-ins")

    def ready(self) -> None:
        # Register the tasks in every process, so beat's names resolve wherever they run.
        from pulses import tasks  # noqa: F401
