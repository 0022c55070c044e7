from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Drift alerts")

    def ready(self) -> None:
        # Beat and the services queue these tasks by name: register them in every process.
        from alerts import tasks  # noqa: F401
