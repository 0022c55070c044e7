"""Issue #20 item 4: behind the shipped nginx, a forged X-Forwarded-For cannot dodge the lock-out.

Debian's nginx runs deploy/nginx.conf (only its ports, upstream and certificate paths changed
for the test) with a self-signed certificate, in front of gunicorn serving the app with one
trusted proxy, as compose.yaml deploys it. A client then fails to log in again and again, each
time claiming another address in X-Forwarded-For, and finally sends the right password.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
EMAIL, PASSWORD = "owner@proxy.example", "a-long-and-good-pass-1"
FAILURES = 12  # beyond the failed-log-in limit configured below (and allauth's defaults)

needs_nginx = pytest.mark.skipif(
    not (os.access(NGINX, os.X_OK) and os.access(OPENSSL, os.X_OK)),
    reason="nginx and openssl are needed (.ci/run installs them)",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"nothing listens on {port}:\n{log.read_text(errors='replace')}")


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 - fixed argument lists
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx_conf_for_test(*, shipped: str, listen: int, upstream: int, certs: Path) -> str:
    """Return the shipped configuration with the test's ports and certificate paths."""
    replacements = {
        "listen 443 ssl;": f"listen 127.0.0.1:{listen} ssl;",
        "server web:8000;": f"server 127.0.0.1:{upstream};",
        "/etc/nginx/certs/": f"{certs}/",
    }
    for old, new in replacements.items():
        assert old in shipped, f"deploy/nginx.conf no longer holds {old!r}"
        shipped = shipped.replace(old, new)
    return shipped


@pytest.fixture
def stack(tmp_path) -> Iterator[tuple[str, Path]]:
    """Start gunicorn (app, SQLite file, one trusted proxy) and nginx; yield the https URL."""
    certs = tmp_path / "certs"
    certs.mkdir()
    _run(
        [
            OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem"),
        ],
        dict(os.environ),
    )  # fmt: skip
    app_port, proxy_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alignment_site.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": "proxy-test-" + "k" * 50,
        "ALLOWED_HOSTS": "localhost",
        "CELERY_BROKER_DIR": str(tmp_path / "broker"),
        # As compose.yaml runs it: one proxy, nginx, in front of gunicorn.
        "TRUSTED_PROXY_COUNT": "1",
        "LOGIN_FAILURE_LIMIT": "3",
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
    create = (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user(username={EMAIL!r}, email={EMAIL!r}, "
        f"password={PASSWORD!r}); "
        "from allauth.account.models import EmailAddress; "
        f"EmailAddress.objects.create(user=get_user_model().objects.get(email={EMAIL!r}), "
        f"email={EMAIL!r}, verified=True, primary=True)"
    )
    _run([python, "manage.py", "shell", "-c", create], env)
    gunicorn_log = tmp_path / "gunicorn.log"
    gunicorn = subprocess.Popen(  # noqa: S603 - fixed argument list
        [
            python, "-m", "gunicorn", "--config=deploy/gunicorn.conf.py",
            "alignment_site.wsgi:application",
        ],
        cwd=ROOT, env=env, stdout=gunicorn_log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        nginx_conf_for_test(
            shipped=(ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8"),
            listen=proxy_port,
            upstream=app_port,
            certs=certs,
        )
    )
    nginx_log = tmp_path / "nginx.log"
    nginx_args = [NGINX, "-p", str(tmp_path), "-c", str(conf)]
    globals_ = f"daemon off; pid {tmp_path / 'nginx.pid'};"
    _run([*nginx_args, "-t", "-g", globals_], env)
    nginx = subprocess.Popen(  # noqa: S603 - fixed argument list
        [*nginx_args, "-g", globals_],
        stdout=nginx_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(app_port, gunicorn, gunicorn_log)
        _wait_for(proxy_port, nginx, nginx_log)
        yield f"https://localhost:{proxy_port}", certs / "fullchain.pem"
    finally:
        _stop(nginx)
        _stop(gunicorn)


def _log_in(session: requests.Session, base: str, password: str, forged: str) -> requests.Response:
    login = f"{base}/accounts/login/"
    page = session.get(login, timeout=30)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    # The e-mail field is "username" with Django's form, "login" with allauth's.
    field = "login" if 'name="login"' in page.text else "username"
    return session.post(
        login,
        data={"csrfmiddlewaretoken": token.group(1), field: EMAIL, "password": password},
        headers={"Referer": login, "X-Forwarded-For": forged},
        allow_redirects=False,
        timeout=30,
    )


@needs_nginx
def test_a_forged_x_forwarded_for_cannot_dodge_the_lock_out(stack):
    base, certificate = stack

    def new_session() -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxy or CA bundle from the environment in between
        session.verify = str(certificate)
        return session

    # Through the proxy, over the shipped TLS settings, the right password logs in.
    assert _log_in(new_session(), base, PASSWORD, forged="192.0.2.1").status_code == 302
    session = new_session()
    for n in range(FAILURES):
        failed = _log_in(session, base, "wrong password", forged=f"203.0.113.{n + 1}")
        assert failed.status_code in (200, 429), failed.status_code
    # Every try claimed another client address; nginx replaced each claim with the one it saw,
    # so they all counted against one client, and now the right password is refused too.
    final = _log_in(session, base, PASSWORD, forged="198.51.100.77")
    assert final.status_code == 429, final.status_code
