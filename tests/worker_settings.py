"""Settings of a Celery worker started by a test (a subprocess of pytest).

The test process passes what the worker must share with it through the environment: the test
database's name, the media folder the PDFs go to, and how to misbehave for a given test.
"""

import os
from pathlib import Path

from alignment_site.settings.test import *  # noqa: F403
from alignment_site.settings.test import DATABASES, REDIS_URL

DATABASES["default"]["NAME"] = os.environ["RESONANCE_TEST_DB_NAME"]
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ["RESONANCE_TEST_DB_NAME"]
MEDIA_ROOT = Path(os.environ["RESONANCE_TEST_MEDIA_ROOT"])
if os.environ.get("RESONANCE_TEST_PDF_TEMPLATE"):
    REPORT_PDF_TEMPLATE = os.environ["RESONANCE_TEST_PDF_TEMPLATE"]
if REDIS_URL and os.environ.get("RESONANCE_TEST_VISIBILITY_TIMEOUT"):
    # Hand an unacknowledged message back within seconds instead of an hour.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["RESONANCE_TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if os.environ.get("RESONANCE_TEST_SLOW_MARKER"):
    # The first build in this worker stalls in its PDF step long enough to be killed; the
    # marker file tells the test that it got there, and tells a later build to go ahead.
    from celery.signals import task_prerun

    @task_prerun.connect(weak=False)
    def _stall_first_build(**kwargs):
        import time

        from reports import pdf

        marker = Path(os.environ["RESONANCE_TEST_SLOW_MARKER"])
        if getattr(pdf, "_stalling", False):
            return
        real = pdf.html_to_pdf

        def stalling(html, **options):
            if not marker.exists():
                marker.write_text(str(os.getpid()))
                time.sleep(120)
            return real(html, **options)

        pdf.html_to_pdf = stalling
        pdf._stalling = True


if os.environ.get("RESONANCE_TEST_WEBHOOK_HOST"):
    # A local stand-in for Slack: plain http on a free port, a short timeout, fast retries.
    ALERT_WEBHOOK_HOSTS = [os.environ["RESONANCE_TEST_WEBHOOK_HOST"]]
    ALERT_WEBHOOK_SCHEMES = ("http", "https")
    ALERT_WEBHOOK_ANY_PORT = True
    ALERT_WEBHOOK_TIMEOUT = 1.0
    ALERT_WEBHOOK_RETRY_BASE = 1

if os.environ.get("RESONANCE_TEST_EMAIL_DIR"):
    # Mails the worker sends land as files the test can count.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["RESONANCE_TEST_EMAIL_DIR"]
