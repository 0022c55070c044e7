"""Settings for a developer's or evaluator's machine: `make run`."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, VAR_DIR, env


def _local_secret_key() -> str:
    """Return a key kept in var/ so sessions survive restarts; never used in production."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# WhiteNoise serves from the finders while DEBUG is on, but warns if its folder is missing.
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)
del BASE_DIR
