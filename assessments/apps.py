from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments and question banks"

    def ready(self) -> None:
        from alignment_site.celery import ensure_broker_folders

        ensure_broker_folders()
        # Connects the log-in receivers of the security log.
        from assessments import security  # noqa: F401
