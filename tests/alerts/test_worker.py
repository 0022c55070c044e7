"""Drift alerts through a real Celery worker: one digest a week, webhook retries."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from django.urls import reverse

from alerts.models import AlertSettings, Digest, WebhookPost
from alignment_site.celery import app as celery_app
from alignment_site.celery import ensure_broker_folders
from tests.accounts.factories import UserFactory
from tests.alerts.test_drift import _client
from tests.worker import free_port, running_worker, wait_for, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_queue():
    ensure_broker_folders()
    celery_app.control.purge()


def _daily_run_via_worker() -> None:
    result = celery_app.tasks["alerts.tasks.drift_daily_task"].apply_async()
    result.get(timeout=60)


def test_two_daily_runs_in_a_week_send_one_digest_each(default_bank, tmp_path, artifacts_dir):
    consultant = UserFactory(email="adviser@advice.example")
    _client(default_bank, consultant)
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = worker_env(RESONANCE_TEST_EMAIL_DIR=str(outbox))
    with running_worker(env=env, hostname="drift", log=artifacts_dir / "worker-drift.log"):
        _daily_run_via_worker()
        _daily_run_via_worker()
        assert wait_for(lambda: not Digest.objects.filter(sent_at__isnull=True).exists())
    assert Digest.objects.count() == 2
    messages = [path.read_text() for path in outbox.iterdir()]
    assert len(messages) == 2
    assert all("is not done yet" in text for text in messages)


class _FlakyHook(http.server.BaseHTTPRequestHandler):
    """Answers 500, then hangs past the sender's timeout, then 200."""

    calls: list[float] = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).calls.append(time.monotonic())
        attempt = len(type(self).calls)
        if attempt == 1:
            self.send_response(500)
            self.end_headers()
            return
        if attempt == 2:
            time.sleep(3)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_a_failing_webhook_is_retried_by_the_worker_and_never_holds_a_page(
    client, default_bank, artifacts_dir
):
    consultant = UserFactory(email="adviser@advice.example")
    organization = _client(default_bank, consultant)
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _FlakyHook)
    _FlakyHook.calls = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    AlertSettings.objects.create(
        organization=organization, webhook_url=f"http://127.0.0.1:{port}/services/T/B/x"
    )
    env = worker_env(RESONANCE_TEST_WEBHOOK_HOST="127.0.0.1")
    try:
        with running_worker(env=env, hostname="hook", log=artifacts_dir / "worker-hook.log"):
            _daily_run_via_worker()
            # Meanwhile the owner's pages answer: nothing in a request calls the webhook.
            client.force_login(organization.memberships.get().user)
            assert client.get(reverse("alerts:settings", args=[organization.pk])).status_code == 200
            assert client.get(organization.get_absolute_url()).status_code == 200
            post = WebhookPost.objects.get()
            assert wait_for(
                lambda: WebhookPost.objects.get(pk=post.pk).status == WebhookPost.Status.SENT,
                timeout=60,
            )
    finally:
        server.shutdown()
    post.refresh_from_db()
    assert post.attempts == 3
    assert len(_FlakyHook.calls) == 3
    assert post.last_error == ""
