"""A real worker consumes tasks over the embedded filesystem broker and over Redis."""

import os
import uuid

import pytest
import redis
from django.conf import settings

from alignment_site.settings.base import filesystem_broker_options
from tests.worker import producer_app, running_worker


@pytest.mark.integration
def test_worker_consumes_over_embedded_filesystem_broker(tmp_path, artifacts_dir):
    for sub in ("queue", "processed", "results", "control"):
        (tmp_path / sub).mkdir()
    client = producer_app(
        "filesystem://", f"file://{tmp_path / 'results'}", filesystem_broker_options(tmp_path)
    )
    token = uuid.uuid4().hex
    env = {"CELERY_BROKER_DIR": str(tmp_path), "REDIS_URL": ""}
    with running_worker(env=env, hostname="fs", log=artifacts_dir / "worker-fs.log"):
        result = client.send_task("assessments.tasks.ping_task", args=[token])
        assert result.get(timeout=30) == token
    assert not list((tmp_path / "queue").iterdir()), "the message was consumed"


def _redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.mark.integration
def test_worker_consumes_over_redis(artifacts_dir):
    url = _redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    client = producer_app(url, url, {})
    token = uuid.uuid4().hex
    with running_worker(
        env={"REDIS_URL": url}, hostname="redis", log=artifacts_dir / "worker-redis.log"
    ):
        result = client.send_task("assessments.tasks.ping_task", args=[token])
        assert result.get(timeout=30) == token


def test_settings_choose_broker_from_redis_url():
    if os.environ.get("REDIS_URL"):
        assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
        assert (
            settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
            > settings.CELERY_TASK_TIME_LIMIT
        )
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        assert options["data_folder_in"] == options["data_folder_out"]
