from django.apps import AppConfig


class PulsesConfig(AppConfig):
    name = "pulses"
    verbose_name = "Pulse check-ins"

    def ready(self) -> None:
        # Register the tasks in every process, so beat's names resolve wherever they run.
        from pulses import tasks  # noqa: F401
