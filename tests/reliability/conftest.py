"""Point this process's Celery client at a private Redis for one test, then put it back."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from alignment_site.celery import app as celery_app


def _drop_connections() -> None:
    # Cached pools still hold connections to the broker of the settings; start afresh.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def client_on_broker(url: str) -> Iterator[None]:
    """Publish tasks to `url` (a Redis URL) until the block ends."""
    conf = celery_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "broker_transport_options": conf.broker_transport_options,
        "broker_connection_timeout": conf.broker_connection_timeout,
        "task_publish_retry_policy": conf.task_publish_retry_policy,
    }
    _drop_connections()
    conf.broker_url = url
    conf.broker_transport_options = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    try:
        yield
    finally:
        _drop_connections()
        for key, value in saved.items():
            setattr(conf, key, value)
