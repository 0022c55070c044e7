"""Settings shared by every environment; everything configurable comes from the environment."""

from importlib.util import find_spec
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # local runtime state (SQLite, embedded broker, uploaded files)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; silently absent in most setups

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    # First: its registration/ templates replace the admin's for log-in and password reset.
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",  # django-bootstrap-static: Bootstrap's CSS/JS as local static files
    "simple_history",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI as local static files: the docs page works offline
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    # Domains, upstream first: organizations, banks → assessments → reports → consultants.
    "organizations",
    "banks",
    "assessments",
    "reports",
    "briefs",
    "alerts",
    "pulses",
    "consultants",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Every request starts and ends in UTC; views of an organization switch to its zone.
    "organizations.zones.TimeZoneResetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the request: the switcher's cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in user's stored language wins over the browser's (needs request.user).
    "accounts.middleware.UserLanguageMiddleware",
    # Logs refused requests (403/404/410…) of users and on /app/; needs request.user.
    "accounts.security.RefusedAccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: a session whose address is unverified is ended, and a staff user
    # without a second factor is sent to set one up before the admin opens.
    "accounts.middleware.VerifiedAccountMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Log-in by e-mail address, with allauth's rate limits and verification stage.
    "allauth.account.auth_backends.AuthenticationBackend",
]

ROOT_URLCONF = "alignment_site.urls"
WSGI_APPLICATION = "alignment_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "organizations.zones.time_zone_context",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False


def sqlite_options() -> dict[str, object]:
    """Connection options that let SQLite take concurrent writes (several browser tabs, threads).

    Django's default deferred transactions read first and upgrade their lock on the first write;
    when another writer holds it the upgrade fails at once with "database is locked", whatever
    the busy timeout. IMMEDIATE takes the write lock at BEGIN, so writers queue for up to
    `timeout` seconds instead. WAL lets pages be read while someone writes.
    """
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    for _name, _value in sqlite_options().items():
        # Options given in DATABASE_URL's query string win.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(_name, _value)
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The JIT compiler spends far longer compiling the portfolio's subqueries than running them
    # (measured: 140-280 ms of compilation for a 60 ms query with 500 clients).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "organizations:home"
LOGOUT_REDIRECT_URL = "account_login"

# The site speaks these languages (DESIGN.md §12). Each is named in its own language: the
# switcher shows them so, whatever language the page is in. The active language comes from the
# switcher's cookie, else the browser's Accept-Language, else English; a logged-in user's stored
# choice and a respondent's invitation override the browser (accounts.middleware,
# organizations.languages). Dates and numbers follow it through Django's locale formats.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.js as shipped inside the plotly wheel, served as static/plotly/plotly.min.js.
    ("plotly", Path(find_spec("plotly").origin).parent / "package_data"),  # type: ignore[union-attr, arg-type]
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Resonance <no-reply@localhost>")

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport, a real
# broker that needs no server, so `make run` has a working worker on a bare machine.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))


def filesystem_broker_options(folder: Path) -> dict[str, object]:
    """Return kombu filesystem-transport options that keep every file under `folder`."""
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),  # in and out must be the same folder
        "processed_folder": str(folder / "processed"),
        # Without this kombu keeps its exchange bindings in ./control of the working directory.
        "control_folder": str(folder / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }


# The cache holds rate-limit counters: shared through Redis when there is one.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "resonance",
            "TIMEOUT": 3600,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # Must exceed the hard time limit, or a long task is handed to a second worker.
        # The price: a message of a worker killed outright (SIGKILL, lost machine) comes back
        # only after this long, so report_sweep re-queues such reports much sooner.
        "visibility_timeout": 3600,
        # A dead or unreachable Redis must fail a publish in seconds, not hang the request.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_REDIS_SOCKET_TIMEOUT = 5
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_BROKER_DIR)
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web request: give up quickly when the broker is down. The report stays
# queued in the database and report_sweep sends it again once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# report_sweep: a report queued this long was probably never published (broker down); one
# running this long outlived the hard time limit, so its worker was lost.
REPORT_SWEEP_QUEUED_AFTER = env.int("REPORT_SWEEP_QUEUED_AFTER", default=90)
REPORT_SWEEP_RUNNING_AFTER = env.int(
    "REPORT_SWEEP_RUNNING_AFTER", default=CELERY_TASK_TIME_LIMIT + 60
)

INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
# The site's public address, for links in mails sent outside a request (reminders from beat).
SITE_URL = env("SITE_URL", default="http://localhost:8000")

# Periodic work, run by one `celery beat` (or `worker -B` on a single machine).
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-reports": {
        "task": "assessments.tasks.report_sweep_task",
        "schedule": env.int("REPORT_SWEEP_SECONDS", default=300),
        # A sweep nobody ran before the next one is due is dropped, not piled up.
        "options": {"expires": env.int("REPORT_SWEEP_SECONDS", default=300)},
    },
    "reassessment-reminders": {
        "task": "assessments.tasks.reassessment_reminders_task",
        "schedule": env.int("REMINDER_SWEEP_SECONDS", default=6 * 3600),
    },
    # Respondents' automatic reminders: each goes once per person, so running often is harmless.
    "invitation-reminders": {
        "task": "assessments.tasks.invitation_reminders_task",
        "schedule": env.int("INVITATION_REMINDER_SECONDS", default=3600),
        "options": {"expires": env.int("INVITATION_REMINDER_SECONDS", default=3600)},
    },
    # Cycles with a closing date: closed (and their owners told) on the first run after that day
    # ends in the organization's time zone.
    "close-due-cycles": {
        "task": "assessments.tasks.cycles_close_due_task",
        "schedule": env.int("CYCLE_CLOSING_SECONDS", default=900),
        "options": {"expires": env.int("CYCLE_CLOSING_SECONDS", default=900)},
    },
    # Drift alerts: record what drifted, then queue the week's digests (each at most once a
    # week per person, so a second run the same day sends nothing new).
    "drift-alerts": {
        "task": "alerts.tasks.drift_daily_task",
        "schedule": crontab(hour=env.int("DRIFT_ALERT_HOUR", default=6), minute=0),
    },
    # Pulses: each opens once per organization and period, so running often is harmless.
    "open-due-pulses": {
        "task": "pulses.tasks.pulses_open_due_task",
        "schedule": env.int("PULSE_SWEEP_SECONDS", default=900),
        "options": {"expires": env.int("PULSE_SWEEP_SECONDS", default=900)},
    },
    "close-due-pulses": {
        "task": "pulses.tasks.pulses_close_due_task",
        "schedule": env.int("PULSE_SWEEP_SECONDS", default=900),
        "options": {"expires": env.int("PULSE_SWEEP_SECONDS", default=900)},
    },
}
# A pulse takes answers for this many days; its links expire when it closes.
PULSE_OPEN_DAYS = env.int("PULSE_OPEN_DAYS", default=7)

# Drift alerts (alerts app): Slack and Teams incoming webhooks only, https only. A leading dot
# means "any host under". Tests widen these to reach a local server.
ALERT_WEBHOOK_HOSTS = env.list(
    "ALERT_WEBHOOK_HOSTS",
    default=["hooks.slack.com", ".webhook.office.com", "outlook.office.com", ".logic.azure.com"],
)
ALERT_WEBHOOK_SCHEMES = ("https",)
ALERT_WEBHOOK_ANY_PORT = False
ALERT_WEBHOOK_TIMEOUT = env.float("ALERT_WEBHOOK_TIMEOUT", default=5.0)
ALERT_WEBHOOK_MAX_RETRIES = env.int("ALERT_WEBHOOK_MAX_RETRIES", default=5)
ALERT_WEBHOOK_RETRY_BASE = env.int("ALERT_WEBHOOK_RETRY_BASE", default=30)

# Consultant portfolio: a client whose last assessment is older than this is "stale".
PORTFOLIO_STALE_DAYS = env.int("PORTFOLIO_STALE_DAYS", default=120)
# Peer benchmarks are shown only when the group holds at least this many *other* organizations.
BENCHMARK_MIN_PEERS = env.int("BENCHMARK_MIN_PEERS", default=5)

# Behind N reverse proxies the client is the N-th address from the end of X-Forwarded-For;
# with none (local use) it is REMOTE_ADDR. Wrong either way and the limits are either shared by
# everyone behind the proxy or bypassed by a forged header, so production sets it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# allauth reads the client's address through our adapter (accounts.adapter.get_client_ip, the
# same rule as above); its own setting is kept equal for any code of allauth that reads it.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Accounts (django-allauth): log-in by e-mail address, verified by a mailed link before the
# account can log in; no page tells whether an address has an account.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link verifies nothing
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_REDIRECT_URL = "organizations:organization_create"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Resonance] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# Log-in failures count per account and client address (accounts.adapter), so a guesser
# elsewhere cannot lock the real user out; the per-address limit also stops one client trying
# many accounts. Reset mails are limited per address and per client.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{3 * LOGIN_FAILURE_LIMIT}/{LOGIN_COOLOFF_MINUTES}m/ip,"
        f"{LOGIN_FAILURE_LIMIT}/{LOGIN_COOLOFF_MINUTES}m/key"
    ),
    "login": "30/m/ip",
    "signup": env("SIGNUP_RATE_LIMIT", default="10/h/ip"),
    "reset_password": env("RESET_RATE_LIMIT", default="10/h/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Multi-factor log-in: TOTP (any authenticator app) with recovery codes, offered to everyone
# and required of staff before the admin opens (accounts.middleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Resonance"

# REST API (DRF): token or session authentication, scoped like the pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per user; a rebuild costs seconds of worker time. LocMemCache counts per process.
    "DEFAULT_THROTTLE_RATES": {"report_rebuild": "10/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Resonance API",
    "DESCRIPTION": "Clients' alignment results, cycles and action plans, for consultants' own tools.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components: read-only fields stay out of request bodies.
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Logged values (paths, e-mail addresses, names) come from clients: their CR/LF and other
    # control characters are escaped, so no value can start a forged line of its own.
    "filters": {"controls": {"()": "alignment_site.log_safety.ControlCharacterFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["controls"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django adds its own console handler; one line per message is enough.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # runserver's request lines: Django gives them a handler of their own, without the filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # The filesystem transport has no host; kombu warns about that on every connection.
        "kombu.connection": {"level": "ERROR"},
        # The PDF renderer logs every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Log-ins, lock-outs and refused requests (assessments/security.py).
        "resonance.security": {"level": "INFO"},
    },
}

# Content Security Policy (django-csp 4): every script and style from this site, none inline.
EMPTY_SHA256 = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # hash of ""
PLOTLY_MAPLIBRE_CSS_SHA256 = "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # plotly.js (4.1, static/plotly) adds its CSS at run time: an empty <style> it fills
        # through the CSSOM (which CSP does not govern), and the maplibre stylesheet it carries
        # for map traces. Only those two exact texts are allowed, by hash; anything injected
        # into a page with other content stays blocked. (plotly.js issues #2355, #7543.)
        "style-src-elem": ["'self'", EMPTY_SHA256, PLOTLY_MAPLIBRE_CSS_SHA256],
        # Colour bars reset their rects with style="": an empty attribute, allowed by its hash.
        "style-src-attr": ["'unsafe-hashes'", EMPTY_SHA256],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
