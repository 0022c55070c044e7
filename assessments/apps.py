from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessment cycles"

    def ready(self) -> None:
        # Register the tasks in every process (web, manage.py), not only in workers: the
        # services queue them by name from Celery's registry.
        from assessments import tasks  # noqa: F401
