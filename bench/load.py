"""Load: 50 respondents answering and autosaving while owners open reports (Locust, headless).

The script starts its own stack on loopback and stops it at the end:
- a fresh PostgreSQL database (BENCH_DATABASE_URL, default resonance_bench_load) with the
  default bank, an open cycle with one invitation per respondent, and built reports;
- a private redis-server on a free port (the broker, as in production);
- gunicorn as deploy/gunicorn.conf.py has it (5 workers of 2 threads), with production
  settings minus TLS (bench/load_settings.py),
  static files collected for WhiteNoise.
Then Locust runs in this process for --seconds (default 60): --respondents users (default 50)
open their link, step through the questionnaire and autosave answers; --owners users (default
5) open their report and poll its status, about once a second each. Afterwards every answer a
respondent sent is looked up: it must be in the database exactly once, with the last value sent.

The respondents are paced so that everybody together offers --rate requests/s (default 160):
latency is measured at the load the goals name, not at whatever the server can be pushed to.
--rate 0 drops the pacing (every user sends again 0.05-0.35 s after each reply): that
saturates the machine and shows the most it serves, with latency that is all queueing.

Prints requests/s, the answer-save p95, the p99 of all requests, errors and the answer check,
next to the goals (>= 150 req/s, save p95 <= 150 ms, p99 <= 500 ms, 0 errors). Asserts nothing.

    .venv/bin/python bench/load.py [--seconds 60] [--respondents 50] [--owners 5] [--rate 160]
"""

# Locust patches the standard library for gevent; that has to happen before anything else.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gevent  # noqa: E402
from locust import FastHttpUser, between, constant_throughput, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

from bench.stack import fresh_postgres_database  # noqa: E402
from tests.worker import RedisServer, free_port, wait_for  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GOALS = {"rps": 150.0, "save_p95": 150.0, "p99": 500.0}
OWNER_RATE = 1.0  # requests/s of one owner: a wait of 0.5-1.5 s between pages


class Plan:
    """What the users work on, filled in by the seeding step."""

    tokens: list[str] = []
    steps: list[str] = []
    questions: list[int] = []
    owner_sessions: list[tuple[str, int]] = []  # (session key, assessment id)
    # token -> question id -> last value the server accepted
    sent: dict[str, dict[int, int]] = defaultdict(dict)
    failed_saves = 0


class Respondent(FastHttpUser):
    weight = 10
    wait_time = between(0.05, 0.35)

    def on_start(self) -> None:
        self.token = Plan.tokens.pop()
        with self.client.get(f"/app/respond/{self.token}/", name="respondent start") as reply:
            found = CSRF.search(reply.text or "")
        self.csrf = found.group(1) if found else ""
        self.step = Plan.steps[0]
        self._open_step()

    def _open_step(self) -> None:
        with self.client.get(
            f"/app/respond/{self.token}/{self.step}/", name="questionnaire step"
        ) as reply:
            found = CSRF.search(reply.text or "")
            if found:
                self.csrf = found.group(1)

    @task(12)
    def autosave(self) -> None:
        question = random.choice(Plan.questions)
        value = random.randint(1, 5)
        with self.client.post(
            f"/app/respond/{self.token}/save/",
            data={
                "csrfmiddlewaretoken": self.csrf,
                "question": str(question),
                "current": str(value),
                "step": self.step,
            },
            headers={"HX-Request": "true", "Referer": f"{self.host}/app/respond/{self.token}/"},
            name="answer save",
            catch_response=True,
        ) as reply:
            if reply.status_code == 200:
                Plan.sent[self.token][question] = value
                reply.success()
            else:
                Plan.failed_saves += 1
                reply.failure(f"save answered {reply.status_code}")

    @task(1)
    def next_step(self) -> None:
        self.step = random.choice(Plan.steps)
        self._open_step()


class Owner(FastHttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        session, self.assessment = Plan.owner_sessions[random.randrange(len(Plan.owner_sessions))]
        self.headers = {"Cookie": f"sessionid={session}"}

    @task(3)
    def report(self) -> None:
        self.client.get(
            f"/app/assessments/{self.assessment}/report/", headers=self.headers, name="report page"
        )

    @task(2)
    def status(self) -> None:
        self.client.get(
            f"/app/assessments/{self.assessment}/report/status/",
            headers=self.headers,
            name="report status",
        )


def _environment(tmp: Path, redis: RedisServer, database_url: str, port: int) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _seed(respondents: int, owners: int) -> None:
    """Create the bank, a built report per owner and an open cycle with its invitations."""
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from assessments.models import Assessment, Invitation
    from assessments.services.invitations import token_digest
    from banks.models import Question, QuestionBank
    from organizations.models import Level
    from reports.services import report_build, report_request
    from tests.scenarios import answered_assessment, owner_of

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_bank", str(ROOT / "banks" / "default.yaml"), verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    bank = QuestionBank.objects.filter(status="published").latest("version")
    for n in range(max(1, min(owners, 3))):
        assessment = answered_assessment(
            bank, seed=n, owner_email=f"owner{n}@load.example", organization_name=f"Load {n}"
        )
        report = report_request(assessment=assessment, enqueue=False)
        report_build(report_id=report.pk)
        client = Client()
        client.force_login(owner_of(assessment))
        Plan.owner_sessions.append(
            (client.cookies[settings.SESSION_COOKIE_NAME].value, assessment.pk)
        )
    cycle = answered_assessment(
        bank,
        status=Assessment.Status.OPEN,
        levels={Level.OWNER: 1},
        owner_email="owner-open@load.example",
        organization_name="Load open cycle",
    )
    for n in range(respondents):
        token = secrets.token_urlsafe(32)
        Invitation.objects.create(
            assessment=cycle,
            email=f"staff{n}@load.example",
            level=Level.STAFF,
            token_hash=token_digest(token),
            expires_at=timezone.now() + timedelta(days=7),
        )
        Plan.tokens.append(token)
    questions = Question.objects.filter(area__dimension__bank=bank).select_related(
        "area__dimension"
    )
    Plan.questions = [q.pk for q in questions]
    Plan.steps = sorted({q.area.dimension.code for q in questions})


def _gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    # Production's gunicorn settings; only the address and the worker count are the bench's.
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy/gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "5", "--error-logfile", "-"]
    command += ["alignment_site.wsgi:application"]
    with open(log, "ab") as out:
        return subprocess.Popen(  # noqa: S603 - fixed argument list
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )


def _answers_check() -> tuple[int, int, int, int]:
    """Return (answers sent, found with the last value, missing or different, duplicated)."""
    from django.db.models import Count

    from assessments.models import Answer
    from assessments.services.invitations import token_digest

    rows = Answer.objects.filter(response__invitation__isnull=False).values_list(
        "response__invitation__token_hash", "question_id", "current"
    )
    stored = defaultdict(list)
    for digest, question, current in rows:
        stored[(digest, question)].append(current)
    duplicated = (
        Answer.objects.values("response_id", "question_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    sent = found = wrong = 0
    for token, answers in Plan.sent.items():
        digest = token_digest(token)
        for question, value in answers.items():
            sent += 1
            if stored.get((digest, question)) == [value]:
                found += 1
            else:
                wrong += 1
    return sent, found, wrong, duplicated


def _report(env_stats, seconds: float) -> None:
    total = env_stats.total
    save = env_stats.get("answer save", "POST")
    rps = total.num_requests / seconds
    save_p95 = save.get_response_time_percentile(0.95)
    p99 = total.get_response_time_percentile(0.99)
    print(f"\n{'request':24} {'count':>7} {'fail':>5} {'median':>7} {'p95':>6} {'p99':>6}  ms")
    for (name, method), entry in sorted(env_stats.entries.items()):
        print(
            f"{method + ' ' + name:24} {entry.num_requests:7} {entry.num_failures:5} "
            f"{entry.median_response_time:7.0f} {entry.get_response_time_percentile(0.95):6.0f} "
            f"{entry.get_response_time_percentile(0.99):6.0f}"
        )
    for error in env_stats.errors.values():
        print(f"  error x{error.occurrences}: {error.method} {error.name}: {error.error}")
    print(f"\nthroughput            {rps:7.1f} req/s   (goal >= {GOALS['rps']:.0f})")
    print(f"answer save p95       {save_p95:7.0f} ms      (goal <= {GOALS['save_p95']:.0f})")
    print(f"all requests p99      {p99:7.0f} ms      (goal <= {GOALS['p99']:.0f})")
    print(f"errors                {total.num_failures:7}         (goal 0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--owners", type=int, default=5)
    parser.add_argument(
        "--rate", type=float, default=160.0, help="offered requests/s; 0: no pacing"
    )
    args = parser.parse_args()
    if args.rate:
        per_respondent = (args.rate - OWNER_RATE * args.owners) / args.respondents
        if per_respondent <= 0:
            parser.error("--rate leaves nothing for the respondents once the owners are served")
        Respondent.wait_time = constant_throughput(per_respondent)
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/resonance_bench_load"
    )
    fresh_postgres_database(database_url)
    with tempfile.TemporaryDirectory(prefix="resonance-load-") as folder:
        tmp = Path(folder)
        redis = RedisServer(free_port())
        redis.start()
        port = free_port()
        env = _environment(tmp, redis, database_url, port)
        os.environ.update(env)
        import django

        django.setup()
        _seed(args.respondents, args.owners)
        server = _gunicorn(env, port, tmp / "gunicorn.log")
        host = f"http://127.0.0.1:{port}"
        try:
            import urllib.request

            def up() -> bool:
                try:
                    with urllib.request.urlopen(f"{host}/accounts/login/", timeout=2):  # noqa: S310
                        return True
                except OSError:
                    return False

            if not wait_for(up, timeout=60, interval=0.5):
                sys.exit(f"gunicorn did not answer; see {tmp / 'gunicorn.log'}")
            Respondent.fixed_count = args.respondents
            Owner.fixed_count = args.owners
            environment = Environment(
                user_classes=[Respondent, Owner], host=host, events=events, stop_timeout=10
            )
            runner = environment.create_local_runner()
            runner.start(args.respondents + args.owners, spawn_rate=25)
            gevent.sleep(3)  # everyone has started
            environment.stats.reset_all()
            started, cpu_started = time.monotonic(), time.process_time()
            gevent.sleep(args.seconds)
            elapsed = time.monotonic() - started
            # Locust shares the machine with the server: say how much of it the client took.
            client_cpu = (time.process_time() - cpu_started) / elapsed
            runner.quit()
            print(
                f"{args.respondents} respondents + {args.owners} owners for {elapsed:.0f} s "
                "against gunicorn (5 workers x 2 threads) + PostgreSQL + Redis on loopback, "
                + (f"{args.rate:.0f} req/s offered" if args.rate else "unpaced (saturation)")
            )
            _report(environment.stats, elapsed)
            print(f"load generator CPU    {client_cpu * 100:7.0f} % of one core (same machine)")
            sent, found, wrong, duplicated = _answers_check()
            print(
                f"answers in the database  {found}/{sent} exactly once with the last value sent; "
                f"{wrong} missing or different, {duplicated} duplicated rows"
            )
            if Plan.failed_saves:
                print(f"saves refused by the server: {Plan.failed_saves}")
        finally:
            server.terminate()
            server.wait(timeout=30)
            redis.stop()


if __name__ == "__main__":
    main()
