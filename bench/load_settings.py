"""Production settings for the load bench: the same stack, minus TLS (it runs on loopback).

Secure-only cookies and the HTTPS redirect need TLS in front; everything else is production's.
"""

from pathlib import Path

from alignment_site.settings.production import *  # noqa: F403
from alignment_site.settings.production import env

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# The bench collects static files into its own temporary folder.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(STATIC_ROOT)))  # noqa: F405
