from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and action plans")

    def ready(self) -> None:
        # Register the tasks in every process (web, manage.py), not only in workers: the
        # services queue them by name from Celery's registry.
        from reports import tasks  # noqa: F401
