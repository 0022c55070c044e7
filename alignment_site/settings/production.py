"""Production: no defaults for secrets or services; a missing one stops start-up."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY")  # raises ImproperlyConfigured when unset
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# The database and the broker come from the environment only: base.py's local defaults (a
# SQLite file, the filesystem broker) work on one machine and would split a cluster silently.
# base.py has already configured both from these same variables; here they become required.
env("DATABASE_URL")  # raises ImproperlyConfigured when unset
env("REDIS_URL")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# Links in account mails (verification, reset) use the scheme the site is served with.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The site runs behind the TLS-terminating load balancer of docs/production.md: one proxy.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
