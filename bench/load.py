"""Load: 50 respondents completing questionnaires while owners read reports (Locust, headless).

The script starts its own stack on loopback and stops it at the end:
- a PostgreSQL database seeded once (BENCH_DATABASE_URL, default resonance_bench_load) with
  the default bank, built reports and an open cycle with thousands of personal links; every run
  gets a fresh copy of it (CREATE DATABASE ... TEMPLATE), so runs never see each other's rows;
- a private redis-server on a free port per run (the broker, as in production);
- gunicorn from deploy/gunicorn.conf.py with production settings minus TLS
  (bench/load_settings.py); --worker-class/--workers/--threads override its worker model.

Each of --respondents users (default 50) does what a browser with static/js/wizard.js does, over
and over, each time as a new person with a link nobody used: open the link, then per step GET
the step page and POST one batch of that step's answers (the wizard's JSON, CSRF header and
sequence numbers), open the review, submit, land on the thanks page. A questionnaire counts as
completed when its submit is accepted. --owners users (default 5) open their report and poll its
status about once a second. Afterwards every answer the server accepted is looked up: it must be
in the database exactly once, with the last value sent.

The respondents are paced so that everybody together offers --rate requests/s (default 160):
latency is measured at a fixed load, not at whatever the server can be pushed to. --rate 0
drops the pacing (every user sends again 0-0.1 s after each reply): that saturates the machine
and shows the most it completes, with latency that is mostly queueing.

Which rate is "50 concurrent users" (issue #21)? static/js/wizard.js sends a person's changes
at most once per BATCH_DELAY (2 s) of activity, and at once on a step change: 50 people
clicking as fast as they can send at most about 25 batches/s. Between batches they read 16
statements a step, so each opens a page (start, a step, review, submit, thanks) only every 10-20
s: about 5 pages/s for 50 people. The 5 owners add about 5 requests/s. --rate 35 is that ceiling:
50 people using the wizard at its fastest. This bench's respondents send one batch per step
(4 batches in the 12 requests of a questionnaire), so at the same 35 requests/s they open more
pages and save fewer batches than real people would; pages cost the server more than batches,
so the figures at 35 lean to the safe side. The default 160 is a stress figure, over four times
what 50 wizard users can send; with the owners' 5 subtracted, the respondents share the rest.

Prints completed questionnaires/s, requests/s, the batch-save p95, the p99 of all requests,
errors and the answer check, with the machine's load average before and after each run (other
work on the machine shows there). --repeats N runs N times and prints the medians; --compare
runs several worker models interleaved (A B C, A B C, ...), so drift on the machine hits them
alike. Asserts nothing.

    .venv/bin/python bench/load.py [--seconds 60] [--respondents 50] [--owners 5] [--rate 160]
        [--repeats 3] [--worker-class gthread --workers 5 --threads 2]
        [--compare sync:3,sync:5,gthread:5x2,gthread:3x4]
"""

# Locust patches the standard library for gevent; that has to happen before anything else.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import runpy  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gevent  # noqa: E402
from locust import FastHttpUser, between, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402

from bench.stack import fresh_postgres_database  # noqa: E402
from tests.worker import RedisServer, children_of, free_port, wait_for  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Today's target is four times the 2.6 questionnaires/s measured before batching (issue #21).
GOALS = {"completed": 10.0, "save_p95": 150.0, "p99": 500.0}
OWNER_REQUESTS = {"report page", "report status"}
OWNER_RATE = 1.0  # requests/s of one owner: a wait of 0.5-1.5 s between pages
UNPACED_WAIT = (0.0, 0.1)  # seconds between a reply and the next request with --rate 0
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


@dataclass(frozen=True)
class WorkerModel:
    """How gunicorn serves: worker class, processes and threads per process."""

    worker_class: str
    workers: int
    threads: int

    @classmethod
    def parse(cls, text: str) -> "WorkerModel":
        """Read `sync:3` or `gthread:5x2`."""
        kind, _, size = text.partition(":")
        workers, _, threads = size.partition("x")
        if kind not in {"sync", "gthread"} or not workers.isdigit():
            raise ValueError(f"not a worker model (sync:3, gthread:5x2): {text!r}")
        return cls(kind, int(workers), int(threads or (1 if kind == "sync" else 2)))

    def __str__(self) -> str:
        if self.worker_class == "sync":
            return f"sync {self.workers}"
        return f"gthread {self.workers}x{self.threads}"


class Plan:
    """What the users work on, filled in by the seeding step."""

    links: list[str] = []  # personal links nobody has opened yet in this run
    warm_link = ""  # opened (never answered) to warm the workers up before a run
    all_links: list[str] = []
    steps: list[str] = []
    step_questions: dict[str, list[str]] = {}  # step code -> question codes, page order
    question_ids: dict[str, int] = {}  # question code -> id, for the answer check
    owner_sessions: list[tuple[str, int]] = []  # (session key, assessment id)
    # token -> question code -> last value the server accepted
    sent: dict[str, dict[str, int]] = defaultdict(dict)
    failed_saves = 0
    out_of_links = False
    interval = 0.0  # seconds between one respondent's requests; 0: unpaced


class Respondent(FastHttpUser):
    """A new person each time round: link, steps with one batch each, review, submit."""

    weight = 10
    wait_time = constant(0)  # the pacing happens between the requests of the flow

    def on_start(self) -> None:
        self.next_at = time.monotonic() + random.uniform(0, Plan.interval)

    def _pace(self) -> None:
        if not Plan.interval:
            gevent.sleep(random.uniform(*UNPACED_WAIT))
            return
        now = time.monotonic()
        if self.next_at > now:
            gevent.sleep(self.next_at - now)
        # Behind schedule the user does not burst to catch up.
        self.next_at = max(self.next_at, now) + Plan.interval

    def _get(self, path: str, name: str) -> str:
        self._pace()
        with self.client.get(path, name=name, catch_response=True) as reply:
            if reply.status_code != 200:
                reply.failure(f"{name} answered {reply.status_code}")
            found = CSRF.search(reply.text or "")
        if found:
            self.csrf = found.group(1)
        return reply.text or ""

    def _headers(self, referer: str) -> dict[str, str]:
        host = self.host or ""
        return {"Origin": host, "Referer": host + referer}

    @task
    def questionnaire(self) -> None:
        if not Plan.links:
            Plan.out_of_links = True
            raise StopUser
        token = Plan.links.pop()
        base = f"/app/respond/{token}/"
        self.client.cookiejar.clear()  # a new person, a new browser
        self.csrf = ""
        self._get(base, "respondent start")
        for step in Plan.steps:
            self._get(f"{base}{step}/", "questionnaire step")
            self._batch(token, step)
        self._get(f"{base}review/", "review page")
        self._pace()
        with self.client.post(
            f"{base}submit/",
            data={"csrfmiddlewaretoken": self.csrf},
            headers=self._headers(f"{base}review/"),
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as reply:
            location = reply.headers.get("Location", "") if reply.headers else ""
            if reply.status_code == 302 and location.endswith("/respond/thanks/"):
                reply.success()
            else:
                reply.failure(f"submit answered {reply.status_code} to {location or '-'}")
                return
        self._get("/app/respond/thanks/", "thanks page")

    def _batch(self, token: str, step: str) -> None:
        """POST the step's answers as static/js/wizard.js does when the step changes."""
        changes: list[dict[str, Any]] = []
        for code in Plan.step_questions[step]:
            # The wizard numbers changes from the clock, in microseconds.
            seq = max(getattr(self, "seq", 0) + 1, int(time.time() * 1_000_000))
            self.seq = seq
            value = random.randint(1, 5)
            changes.append({"question": code, "current": value, "comment": "", "seq": seq})
        self._pace()
        with self.client.post(
            f"/app/respond/{token}/batch/",
            data=json.dumps(changes),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": self.csrf,
                **self._headers(f"/app/respond/{token}/{step}/"),
            },
            name="answer batch",
            catch_response=True,
        ) as reply:
            saved = []
            if reply.status_code == 200:
                saved = (reply.json() or {}).get("saved", [])
            if saved and len(saved) == len(changes):
                for change in changes:
                    Plan.sent[token][change["question"]] = change["current"]
                reply.success()
            else:
                Plan.failed_saves += 1
                reply.failure(f"batch answered {reply.status_code}, {len(saved)} saved")


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


def _environment(tmp: Path, redis_url: str, database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _seed(links: int, owners: int) -> None:
    """Create the bank, a built report per owner and an open cycle with `links` invitations."""

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from banks.models import Question
    from bench.seeding import default_bank_migrated, open_cycle_with_links
    from reports.services import report_build, report_request
    from tests.scenarios import answered_assessment, owner_of

    bank = default_bank_migrated()
    call_command("collectstatic", verbosity=0, interactive=False)
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
    Plan.all_links = [secrets.token_urlsafe(32) for _ in range(links + 1)]
    Plan.warm_link = Plan.all_links.pop()
    tokens = [*Plan.all_links, Plan.warm_link]
    open_cycle_with_links(bank, tokens, domain="load.example", name="Load open cycle")
    questions = Question.objects.filter(area__dimension__bank=bank).select_related(
        "area__dimension"
    )
    by_step: dict[str, list[str]] = defaultdict(list)
    order = ("area__dimension__position", "area__position", "position", "pk")
    for question in questions.order_by(*order):
        by_step[question.area.dimension.code].append(question.code)
        Plan.question_ids[question.code] = question.pk
    Plan.step_questions = dict(by_step)
    Plan.steps = list(by_step)


def _gunicorn(
    env: dict[str, str], port: int, model: WorkerModel | None, log: Path
) -> subprocess.Popen[bytes]:
    # Production's gunicorn settings; the address and, if asked, the worker model are the bench's.
    command = [sys.executable, "-m", "gunicorn", "--config", str(CONFIG)]
    command += ["--bind", f"127.0.0.1:{port}", "--error-logfile", "-"]
    if model is not None:
        command += ["--worker-class", model.worker_class, "--workers", str(model.workers)]
        # gunicorn turns a sync worker with threads > 1 into gthread.
        command += ["--threads", str(model.threads if model.worker_class == "gthread" else 1)]
    command += ["alignment_site.wsgi:application"]
    with open(log, "ab") as out:
        return subprocess.Popen(  # noqa: S603 - fixed argument list
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )


def _configured_model() -> WorkerModel:
    """The worker model deploy/gunicorn.conf.py sets when nothing overrides it."""
    config = runpy.run_path(str(CONFIG))
    kind = config.get("worker_class", "sync")
    return WorkerModel(kind, int(config.get("workers", 1)), int(config.get("threads", 1)))


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
        for code, value in answers.items():
            sent += 1
            if stored.get((digest, Plan.question_ids[code])) == [value]:
                found += 1
            else:
                wrong += 1
    return sent, found, wrong, duplicated


@dataclass
class Result:
    model: WorkerModel
    rate: float
    completed: float  # questionnaires/s
    rps: float
    save_p95: float
    p99: float
    errors: int
    answers: tuple[int, int, int, int]
    load: tuple[float, float]  # 1-minute load average before and after
    busy: float  # share of the machine's CPU time busy during the run, all processes
    server_cpu: float  # CPU seconds gunicorn, redis and the run's PostgreSQL backends used
    flows: float  # respondent requests / requests in one questionnaire: the work done
    requests: int
    client_cpu: float  # share of one core the load generator used
    lines: list[str] = field(default_factory=list)


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _process_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def _server_pids(server: subprocess.Popen[bytes], redis: RedisServer, database: str) -> list[int]:
    """gunicorn and its workers, redis, and the PostgreSQL backends serving the run's database."""
    import psycopg
    from django.db import connections

    pids = [server.pid, *children_of(server.pid)]
    if redis.process is not None:
        pids.append(redis.process.pid)
    settings = connections["default"].settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [database]
        ).fetchall()
    return pids + [row[0] for row in rows]


def _load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _table(env_stats) -> list[str]:
    lines = [f"{'request':26} {'count':>7} {'fail':>5} {'median':>7} {'p95':>6} {'p99':>6}  ms"]
    for (name, method), entry in sorted(env_stats.entries.items()):
        lines.append(
            f"{method + ' ' + name:26} {entry.num_requests:7} {entry.num_failures:5} "
            f"{entry.median_response_time:7.0f} {entry.get_response_time_percentile(0.95):6.0f} "
            f"{entry.get_response_time_percentile(0.99):6.0f}"
        )
    for error in env_stats.errors.values():
        lines.append(f"  error x{error.occurrences}: {error.method} {error.name}: {error.error}")
    return lines


def _run(
    args: argparse.Namespace, model: WorkerModel | None, rate: float, seed_url: str, tmp: Path
) -> Result:
    """One run: a fresh copy of the seeded database, a fresh redis and gunicorn, then Locust."""
    from django.db import connections

    # Everybody together offers `rate` requests/s; the owners' share is fixed.
    Plan.interval = args.respondents / (rate - OWNER_RATE * args.owners) if rate else 0.0

    connections.close_all()  # the template must have no open connections
    run_url = _database_copy(seed_url)
    connections["default"].settings_dict["NAME"] = urlsplit(run_url).path.lstrip("/")
    Plan.links = list(Plan.all_links)
    random.shuffle(Plan.links)
    Plan.sent = defaultdict(dict)
    Plan.failed_saves = 0
    Plan.out_of_links = False
    redis = RedisServer(free_port())
    redis.start()
    port = free_port()
    env = _environment(tmp, redis.url, run_url)
    server = _gunicorn(env, port, model, tmp / "gunicorn.log")
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
        _warm_up(host, model or _configured_model())
        Respondent.fixed_count = args.respondents
        Owner.fixed_count = args.owners
        environment = Environment(
            user_classes=[Respondent, Owner], host=host, events=events, stop_timeout=10
        )
        runner = environment.create_local_runner()
        runner.start(args.respondents + args.owners, spawn_rate=25)
        gevent.sleep(5)  # everyone has started and the flows are out of step
        environment.stats.reset_all()
        load_before = _load1()
        busy_started, total_started = _cpu_times()
        database = connections["default"].settings_dict["NAME"]
        server_started = _process_cpu(_server_pids(server, redis, database))
        started, cpu_started = time.monotonic(), time.process_time()
        gevent.sleep(args.seconds)
        elapsed = time.monotonic() - started
        server_ended = _process_cpu(_server_pids(server, redis, database))
        # A process started during the run (a new database connection) counts from zero.
        server_cpu = sum(used - server_started.get(pid, 0.0) for pid, used in server_ended.items())
        # Locust shares the machine with the server: say how much of it the client took.
        client_cpu = (time.process_time() - cpu_started) / elapsed
        busy_ended, total_ended = _cpu_times()
        load_after = _load1()
        stats = environment.stats
        total = stats.total
        submits = stats.get("submit", "POST")
        result = Result(
            model=model or _configured_model(),
            rate=rate,
            completed=(submits.num_requests - submits.num_failures) / elapsed,
            rps=total.num_requests / elapsed,
            save_p95=stats.get("answer batch", "POST").get_response_time_percentile(0.95),
            p99=total.get_response_time_percentile(0.99),
            errors=total.num_failures,
            answers=(0, 0, 0, 0),
            load=(load_before, load_after),
            busy=(busy_ended - busy_started) / max(1, total_ended - total_started),
            server_cpu=server_cpu,
            flows=sum(
                entry.num_requests
                for (name, _method), entry in stats.entries.items()
                if name not in OWNER_REQUESTS
            )
            / (4 + 2 * len(Plan.steps)),
            requests=total.num_requests,
            client_cpu=client_cpu,
            lines=_table(stats),
        )
        runner.quit()
    finally:
        server.terminate()
        server.wait(timeout=30)
        redis.stop()
    result.answers = _answers_check()
    if Plan.out_of_links:
        result.lines.append("ran out of personal links: raise --links")
    if Plan.failed_saves:
        result.lines.append(f"batches refused by the server: {Plan.failed_saves}")
    return result


def _warm_up(host: str, model: WorkerModel) -> None:
    """Have every worker import the views and read the bank before anything is measured.

    A worker does both on its first request, which takes seconds on a busy machine.
    """
    import urllib.request

    def fetch(path: str) -> None:
        try:
            with urllib.request.urlopen(f"{host}{path}", timeout=60) as reply:  # noqa: S310
                reply.read()
        except OSError:
            pass

    base = f"/app/respond/{Plan.warm_link}/"
    for path in (base, f"{base}{Plan.steps[0]}/", f"{base}review/"):
        gevent.joinall(
            [gevent.spawn(fetch, path) for _ in range(2 * model.workers * model.threads)]
        )


def _database_copy(seed_url: str) -> str:
    """Drop and recreate the run's database as a copy of the seeded one; return its URL."""
    import psycopg

    parts = urlsplit(seed_url)
    seed = parts.path.lstrip("/")
    run = f"{seed}_run"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{run}" TEMPLATE "{seed}"')
    return urlunsplit(parts._replace(path=f"/{run}"))


def _print_run(result: Result, args: argparse.Namespace, number: str) -> None:
    sent, found, wrong, duplicated = result.answers
    pace = f"{result.rate:.0f} req/s offered" if result.rate else "unpaced (saturation)"
    print(
        f"\n== run {number}: {result.model}, {args.respondents} respondents + {args.owners} "
        f"owners, {args.seconds} s, {pace}; load average {result.load[0]:.2f} -> "
        f"{result.load[1]:.2f}, machine CPU {result.busy * 100:.0f} % busy"
    )
    print("\n".join(result.lines))
    print(
        f"completed questionnaires {result.completed:6.1f} /s     "
        f"(goal >= {GOALS['completed']:.0f}; 2.6 before batching)"
    )
    print(f"throughput               {result.rps:6.1f} req/s")
    print(
        f"answer batch p95         {result.save_p95:6.0f} ms    (goal <= {GOALS['save_p95']:.0f})"
    )
    print(f"all requests p99         {result.p99:6.0f} ms    (goal <= {GOALS['p99']:.0f})")
    print(f"errors                   {result.errors:6}       (goal 0)")
    print(f"load generator CPU       {result.client_cpu * 100:6.0f} % of one core (same machine)")
    print(
        f"server CPU               {_per_questionnaire(result):6.0f} ms per questionnaire, "
        f"{result.server_cpu / max(1, result.requests) * 1000:.1f} ms per request "
        "(gunicorn, redis, the run's PostgreSQL backends)"
    )
    print(
        f"                         {_capacity(result):6.1f} questionnaires/s if the server "
        f"had all {os.cpu_count()} cores to itself (estimate)"
    )
    print(
        f"answers in the database  {found}/{sent} exactly once with the last value sent; "
        f"{wrong} missing or different, {duplicated} duplicated rows"
    )


def _per_questionnaire(result: Result) -> float:
    """Server CPU milliseconds per questionnaire's worth of requests, owners' pages included.

    Counted from the requests rather than the submits: on a crowded machine few
    questionnaires finish within the window, though their requests were served.
    """
    return result.server_cpu / max(1e-9, result.flows) * 1000


def _capacity(result: Result) -> float:
    """Questionnaires/s the machine's cores would complete at this CPU cost, nothing else running."""
    return (os.cpu_count() or 1) / max(1e-9, _per_questionnaire(result) / 1000)


def _print_medians(results: list[Result], args: argparse.Namespace) -> None:
    print(f"\n== medians of {args.repeats} runs each ({args.seconds} s)")
    print(
        f"{'worker model':14} {'offered':>8} {'done/s':>7} {'req/s':>7} {'batch p95':>9} {'p99':>6} "
        f"{'errors':>6} {'answers ok':>12} {'CPU ms/q':>8} {'est. q/s':>8}"
        f"  load before-after (each run)"
    )
    groups: dict[tuple[WorkerModel, float], list[Result]] = defaultdict(list)
    for result in results:
        groups[result.model, result.rate].append(result)
    for (model, rate), runs in groups.items():
        sent = sum(r.answers[0] for r in runs)
        found = sum(r.answers[1] for r in runs)
        loads = " ".join(f"{r.load[0]:.1f}-{r.load[1]:.1f}" for r in runs)
        print(
            f"{model!s:14} {f'{rate:.0f}/s' if rate else 'unpaced':>8} {statistics.median(r.completed for r in runs):7.1f} "
            f"{statistics.median(r.rps for r in runs):7.1f} "
            f"{statistics.median(r.save_p95 for r in runs):7.0f}ms "
            f"{statistics.median(r.p99 for r in runs):4.0f}ms "
            f"{sum(r.errors for r in runs):6} {f'{found}/{sent}':>12} "
            f"{statistics.median(_per_questionnaire(r) for r in runs):8.0f} "
            f"{statistics.median(_capacity(r) for r in runs):8.1f}  {loads}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--owners", type=int, default=5)
    parser.add_argument(
        "--rate",
        default="160",
        help="offered requests/s; 0: no pacing; several (0,160) run interleaved",
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per worker model")
    parser.add_argument("--worker-class", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument(
        "--compare", help="worker models run interleaved, e.g. sync:3,sync:5,gthread:5x2"
    )
    parser.add_argument(
        "--links", type=int, help="personal links seeded (default: enough for 60 per second)"
    )
    args = parser.parse_args()
    try:
        rates = [float(rate) for rate in args.rate.split(",")]
    except ValueError:
        parser.error("--rate takes numbers: 160 or 0,160")
    for rate in rates:
        if rate and rate <= OWNER_RATE * args.owners:
            parser.error("--rate leaves nothing for the respondents once the owners are served")
    models: list[WorkerModel | None] = [None]
    try:
        if args.compare:
            models = [WorkerModel.parse(spec) for spec in args.compare.split(",")]
        elif args.worker_class or args.workers or args.threads:
            configured = _configured_model()
            kind = args.worker_class or configured.worker_class
            models = [
                WorkerModel(
                    kind,
                    args.workers or configured.workers,
                    1 if kind == "sync" else args.threads or configured.threads,
                )
            ]
    except ValueError as exc:
        parser.error(str(exc))
    # About 12 requests make a questionnaire: 60 a second is beyond what 2 cores complete.
    links = args.links or max(1000, 60 * (args.seconds + 10) + 2 * args.respondents)
    seed_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/resonance_bench_load"
    )
    fresh_postgres_database(seed_url)
    with tempfile.TemporaryDirectory(prefix="resonance-load-") as folder:
        tmp = Path(folder)
        redis = RedisServer(free_port())
        redis.start()
        try:
            os.environ.update(_environment(tmp, redis.url, seed_url))
            import django

            django.setup()
            _seed(links, args.owners)
        finally:
            redis.stop()
        print(
            f"seeded {len(Plan.all_links)} personal links; a questionnaire is "
            f"{len(Plan.steps)} steps of {sum(map(len, Plan.step_questions.values()))} questions"
        )
        results = []
        runs = [(model, rate) for rate in rates for model in models]
        for repeat in range(args.repeats):
            for n, (model, rate) in enumerate(runs):
                result = _run(args, model, rate, seed_url, tmp)
                _print_run(result, args, f"{repeat + 1}.{n + 1}")
                results.append(result)
        if len(results) > 1:
            _print_medians(results, args)


if __name__ == "__main__":
    main()
