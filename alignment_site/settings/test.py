"""Settings for the test suite: DATABASE_URL and REDIS_URL from the environment (CI sets both)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env, filesystem_broker_options

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="resonance-media-"))
if not env("REDIS_URL", default=""):
    # Each test run gets its own embedded-broker folder, never the developer's var/broker;
    # exported so that a worker started by a test shares it.
    _broker = Path(
        env("CELERY_BROKER_DIR", default="") or tempfile.mkdtemp(prefix="resonance-broker-")
    )
    os.environ["CELERY_BROKER_DIR"] = str(_broker)
    CELERY_BROKER_DIR = _broker
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(_broker)
    CELERY_RESULT_BACKEND = f"file://{_broker / 'results'}"

# Serve static files straight from the finders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="resonance-static-"))

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file rather than memory, so a Celery worker started by a test opens the same database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="resonance-db-")) / "test.sqlite3")
    }

# Rate-limit counters in the process: a Redis cache would carry them from one test run to the next.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
