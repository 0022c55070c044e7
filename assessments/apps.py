from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments and question banks"

    def ready(self) -> None:
        from alignment_site.celery import ensure_broker_folders

        ensure_broker_folders()
