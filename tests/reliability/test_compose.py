"""compose.yaml describes the production deployment (Docker cannot run here: read the file)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _command(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_compose_has_the_production_services(compose):
    assert set(compose["services"]) == {*APP_SERVICES, "db", "redis", "proxy"}
    assert set(compose["volumes"]) >= {"pgdata", "redisdata", "media"}


def test_web_is_gunicorn_with_static_files_collected_for_whitenoise(compose):
    web = compose["services"]["web"]
    assert (
        _command(web) == "gunicorn --config=deploy/gunicorn.conf.py alignment_site.wsgi:application"
    )
    dockerfile = ROOT / web["build"]["context"] / web["build"]["dockerfile"]
    assert "collectstatic --noinput" in dockerfile.read_text(encoding="utf-8")
    assert "ports" not in web, "gunicorn is reached through the proxy only"
    assert web["expose"] == ["8000"]


def test_the_proxy_publishes_the_only_port_with_the_shipped_configuration(compose):
    published = {name: s["ports"] for name, s in compose["services"].items() if "ports" in s}
    assert published == {"proxy": ["443:443"]}
    proxy = compose["services"]["proxy"]
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert (ROOT / "deploy" / "nginx.conf").is_file()
    for name in APP_SERVICES:
        assert compose["services"][name]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


def test_gunicorn_configuration_is_threaded_with_keep_alive(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_WORKER_CLASS"):
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    # The model bench/load.py measured best (see the file's docstring).
    assert settings["worker_class"] == "gthread"
    assert (settings["workers"], settings["threads"]) == (3, 4)
    assert settings["keepalive"] > 0
    monkeypatch.setenv("WEB_CONCURRENCY", "9")
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "sync")
    overridden = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert (overridden["workers"], overridden["worker_class"]) == (9, "sync")


def test_workers_scale_and_beat_runs_exactly_once(compose):
    worker, beat = compose["services"]["worker"], compose["services"]["beat"]
    assert "celery --app=alignment_site worker" in _command(worker)
    assert "--hostname=" in _command(worker)
    assert worker["deploy"]["replicas"] >= 2
    assert "celery --app=alignment_site beat" in _command(beat)
    assert beat["deploy"]["replicas"] == 1
    assert "--schedule=" in _command(beat)
    others = [name for name, s in compose["services"].items() if name != "beat"]
    assert not any(
        " beat" in _command(compose["services"][n])
        for n in others
        if "command" in compose["services"][n]
    )
    assert " -B" not in _command(worker), "a worker with embedded beat would be a second beat"


def test_redis_never_evicts_and_keeps_its_queue(compose):
    command = _command(compose["services"]["redis"])
    assert "--maxmemory-policy noeviction" in command
    assert "--appendonly yes" in command


def test_every_app_container_gets_the_same_configuration(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "alignment_site.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["DATABASE_URL"].endswith("@db:5432/resonance")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?"), "no default secret"
        assert "ALLOWED_HOSTS" in env
        assert "media:/data/media" in services[name]["volumes"] or name == "beat"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    assert _command(services["migrate"]) == "python manage.py migrate --noinput"
