from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefsConfig(AppConfig):
    name = "briefs"
    verbose_name = _("Team briefs")

    def ready(self) -> None:
        # Tasks are queued by name from Celery's registry, so every process registers them.
        from briefs import tasks  # noqa: F401
        from briefs.selectors import previous_brief_evidence
        from reports.evidence import pitfall_evidence_register

        # reports sits below briefs and may not import it: the brief's read rate reaches the
        # next report's communication pitfall through this registration.
        pitfall_evidence_register(code="communication", source=previous_brief_evidence)
