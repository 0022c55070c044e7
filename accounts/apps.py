from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from alignment_site.celery import ensure_broker_folders

        ensure_broker_folders()
        # Connects the log-in receivers of the security log.
        from accounts import receivers, security  # noqa: F401
