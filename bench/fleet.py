"""Run the app as a fleet on one machine, under load and faults, and check it lost nothing.

    uv run python bench/fleet.py                     # 5 minutes, 2 servers, 2 workers
    uv run python bench/fleet.py --seconds 60        # the CI run
    uv run python bench/fleet.py --pgbouncer         # through PgBouncer, transaction pooling
    uv run python bench/fleet.py --servers 1 --no-faults --seconds 60   # a throughput baseline

On one PostgreSQL database (dropped and created afresh: `--database`, default `twc_fleet_run`)
it starts N gunicorn servers (production settings: DEBUG off, persistent connections) and N
`db_worker`s, all writing mail to one directory (Django's file backend), optionally all
through a PgBouncer it starts itself (port 16432, its own config in a temp dir). Client
threads drive a mixed load at the servers, as a load balancer would spread it (a server
marked down gets no new requests; a GET that meets a dead server is tried once on another):
directory searches, chapter pages, the sessions list, sign-ups and their confirmation by
code for sessions of few places, cancellations, join requests and their approval by the
chapter's organizer, and organizer edits of a chapter page. Faults, each minute of the run,
at random moments (`--seed`): `kill -9` of one server and of one worker (each restarted; the
worker in the middle of a send, before the mail server accepted the message, when it sends
within 10 s: the ledger must then send that email once, on the retry),
`pg_terminate_backend` of every connection the app holds to its database, and a SIGTERM to
a server while requests are in flight (restarted once it has exited).

At the end it waits for the task queue to drain, stops everything it started, then checks
and prints: requests by outcome; errors and 5xx outside the fault windows (must be 0); the
in-flight requests at each SIGTERM (must all finish); sessions over capacity (0); lost
writes (every acknowledged sign-up, confirmation, cancellation, join request, approval and
edit is in the database); emails sent twice or never (each email the app queued is in the
mail directory exactly once); the longest time an anonymous visitor of the other server saw
a chapter page stale after an edit (at most PAGECACHE_VERSION_SECONDS plus one request); a
rate limit reached on one server holds on the other; a sign-in made on one server is valid on
the other; recovery times after each fault. Exit status 1 if any check fails.

All traffic goes to 127.0.0.1. Every loop is bounded by the run's deadline or a timeout.
"""

from __future__ import annotations

import argparse
import collections
import email
import email.policy
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
PGBOUNCER_PORT = 16432
SECRET_KEY = "fleet-only-secret-key-not-for-production-0123456789abcdefghij"
MFA_ENCRYPTION_KEY = "ZmxlZXQtb25seS1tZmEta2V5LW5vdC1mb3ItcHJvZDA="
DRIVER = "fleet-driver"  # application_name of this script's own database connections
HEARTBEAT, WORKER_TIMEOUT = 1.0, 5.0
PAGECACHE_SECONDS = 1.0
REQUEST_TIMEOUT = 15.0
PLACE_HOLDING = ("confirmed", "attended", "no_show")
STALE_CONNECTION = -1  # an outcome: a kept-alive connection found closed, retried


def now() -> float:
    return time.monotonic()


# -- Processes -------------------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None
    generation: int = 0

    def start(self) -> None:
        self.generation += 1
        handle = self.log.open("a")
        handle.write(f"\n== start {self.generation} at {time.strftime('%H:%M:%S')}\n")
        handle.flush()
        # Its own process group: a kill reaches the gunicorn master and its workers.
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=handle,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signum)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        try:  # anything left in its group (a gunicorn worker whose master died)
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Fleet:
    def __init__(self, args, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir()
        # Where a worker marks that it is in the middle of a send (tests/core/slowmail.py).
        self.sending_dir = workdir / "sending"
        self.sending_dir.mkdir()
        self.database = args.database
        self.direct_url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{self.database}"
        self.app_url = (f"postgres://{PG_USER}@127.0.0.1:{PGBOUNCER_PORT}/{self.database}"
                        if args.pgbouncer else self.direct_url)
        self.ports = [args.port_base + 1 + i for i in range(args.servers)]
        self.servers: list[Proc] = []
        self.workers: list[Proc] = []
        self.pgbouncer: Proc | None = None
        self.pgbouncer_dir: Path | None = None

    def env(self, *, worker: bool = False) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "DJANGO_SETTINGS_MODULE": "twc.settings",
            "SECRET_KEY": SECRET_KEY,
            "MFA_ENCRYPTION_KEY": MFA_ENCRYPTION_KEY,
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            # Static files from the app directories: nothing to collect for this run.
            "DJANGO_STATIC_MANIFEST": "0",
            "WHITENOISE_USE_FINDERS": "1",
            "DATABASE_URL": self.app_url,
            "DJANGO_CONN_MAX_AGE": "600",
            "DJANGO_LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "TASK_WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT),
            "TASK_WORKER_TIMEOUT_SECONDS": str(WORKER_TIMEOUT),
            "PAGECACHE_VERSION_SECONDS": str(PAGECACHE_SECONDS),
            "PERIODIC_JOBS_ON_MIGRATE": "1",
            "PYTHONPATH": str(ROOT),
        })
        if self.args.pgbouncer:
            env["DATABASE_TRANSACTION_POOLING"] = "1"
        if worker:
            # The same file backend, taking a moment per message as an SMTP server does:
            # a worker killed at a random moment is often in the middle of a send.
            env["EMAIL_BACKEND"] = "tests.core.slowmail.SlowFileBackend"
            env["SLOW_MAIL_SECONDS"] = "0.05"
            env["SLOW_MAIL_MARK_DIR"] = str(self.sending_dir)
        return env

    # The database, afresh.
    def create_database(self) -> None:
        admin = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')
            # Django then needs no SET TIME ZONE per connection (session state, which
            # transaction pooling would not keep).
            conn.execute(f"ALTER DATABASE \"{self.database}\" SET timezone TO 'UTC'")
        env = self.env()
        env["DATABASE_URL"] = self.direct_url
        for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                           check=True)

    def seed(self, chapters: int, joiners: int) -> dict:
        env = self.env()
        env["DATABASE_URL"] = self.direct_url
        out = subprocess.run([sys.executable, "bench/fleet_seed.py", str(chapters),
                              str(joiners)], cwd=ROOT, env=env, check=True,
                             stdout=subprocess.PIPE, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def start_pgbouncer(self) -> None:
        if not shutil.which("pgbouncer"):
            sys.exit("pgbouncer is not installed: apt-get install -y pgbouncer")
        # Its own directory: pgbouncer runs as the database's system user, not as root.
        conf_dir = Path(tempfile.mkdtemp(prefix="fleet-pgbouncer-"))
        self.pgbouncer_dir = conf_dir
        (conf_dir / "userlist.txt").write_text(f'"{PG_USER}" ""\n')
        (conf_dir / "pgbouncer.ini").write_text(f"""[databases]
{self.database} = host={PG_HOST} port={PG_PORT} dbname={self.database} user={PG_USER}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {PGBOUNCER_PORT}
unix_socket_dir =
auth_type = trust
auth_file = {conf_dir / 'userlist.txt'}
pool_mode = transaction
max_client_conn = 200
default_pool_size = 12
reserve_pool_size = 4
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {conf_dir / 'pgbouncer.log'}
pidfile = {conf_dir / 'pgbouncer.pid'}
""")
        command = ["pgbouncer", str(conf_dir / "pgbouncer.ini")]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            shutil.chown(conf_dir, user=PG_USER)
            for path in conf_dir.iterdir():
                shutil.chown(path, user=PG_USER)
            command[1:1] = ["-u", PG_USER]
        self.pgbouncer = Proc("pgbouncer", command, dict(os.environ),
                              self.workdir / "pgbouncer.out")
        self.pgbouncer.start()
        deadline = now() + 15
        while now() < deadline:
            try:
                with psycopg.connect(self.app_url, connect_timeout=2,
                                     prepare_threshold=None) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.Error:
                time.sleep(0.3)
        sys.exit("pgbouncer did not answer")

    def add_server(self, i: int) -> Proc:
        proc = Proc(f"server{i}", [
            sys.executable, "-m", "gunicorn", "twc.wsgi:application",
            "--bind", f"127.0.0.1:{self.ports[i]}", "--workers", str(self.args.gunicorn_workers),
            "--worker-class", "gthread", "--threads", "2", "--timeout", "30",
            "--graceful-timeout", "20", "--keep-alive", "2", "--log-level", "warning",
        ], self.env(), self.workdir / f"server{i}.log")
        self.servers.append(proc)
        return proc

    def add_worker(self, i: int) -> Proc:
        proc = Proc(f"worker{i}", [], self.env(worker=True), self.workdir / f"worker{i}.log")
        self.workers.append(proc)
        return proc

    def start_worker(self, proc: Proc) -> str:
        worker_id = f"fleet-{proc.name}-{proc.generation + 1}"
        proc.command = [sys.executable, "manage.py", "db_worker", "--no-reload",
                        "--queue-name", "*", "--interval", "0.2", "--worker-id", worker_id]
        proc.start()
        return worker_id

    def healthy(self, i: int) -> bool:
        status, _body, _headers = raw_request(self.ports[i], "GET", "/healthz", timeout=2)
        return status == 200

    def wait_healthy(self, i: int, timeout: float = 60) -> float | None:
        started = now()
        while now() - started < timeout:
            if self.healthy(i):
                return now() - started
            time.sleep(0.1)
        return None

    def stop_all(self) -> None:
        for proc in self.servers + self.workers:
            proc.stop()
        if self.pgbouncer:
            self.pgbouncer.stop()
            shutil.copy(self.pgbouncer_dir / "pgbouncer.log", self.workdir / "pgbouncer.log")
            shutil.rmtree(self.pgbouncer_dir, ignore_errors=True)


# -- HTTP ------------------------------------------------------------------------------------


def raw_request(port: int, method: str, path: str, *, body: str | None = None,
                headers: dict | None = None, timeout: float = REQUEST_TIMEOUT,
                conn: http.client.HTTPConnection | None = None):
    """(status, body, headers); status 0 when the server did not answer."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, response.headers
    except (OSError, http.client.HTTPException):
        conn.close()
        return 0, b"", None
    finally:
        if own:
            conn.close()


@dataclass
class Event:
    op: str
    server: int
    t0: float
    t1: float
    status: int


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.lock = threading.Lock()

    def add(self, event: Event) -> None:
        with self.lock:
            self.events.append(event)


class Balancer:
    """Which servers take new requests: a server being killed or restarted is marked down,
    as a load balancer's health check would."""

    def __init__(self, count: int):
        self.up = set(range(count))
        self.lock = threading.Lock()

    def choose(self, rng: random.Random, avoid: int | None = None) -> int:
        with self.lock:
            choices = sorted(self.up - {avoid}) or sorted(self.up) or [0]
        return rng.choice(choices)

    def down(self, i: int) -> None:
        with self.lock:
            self.up.discard(i)

    def back(self, i: int) -> None:
        with self.lock:
            self.up.add(i)


class Client:
    """One browser: its cookies, a kept-alive connection per server."""

    def __init__(self, fleet: Fleet, recorder: Recorder, balancer: Balancer,
                 rng: random.Random, cookie: str | None = None):
        self.fleet, self.recorder, self.balancer, self.rng = fleet, recorder, balancer, rng
        self.cookies: dict[str, str] = {}
        if cookie:
            name, _, value = cookie.partition("=")
            self.cookies[name] = value
        self.conns: dict[int, http.client.HTTPConnection] = {}

    def _conn(self, server: int) -> http.client.HTTPConnection:
        if server not in self.conns:
            self.conns[server] = http.client.HTTPConnection(
                "127.0.0.1", self.fleet.ports[server], timeout=REQUEST_TIMEOUT)
        return self.conns[server]

    def request(self, op: str, method: str, path: str, data: dict | None = None, *,
                server: int | None = None, retry: bool = True):
        server = self.balancer.choose(self.rng) if server is None else server
        port = self.fleet.ports[server]
        origin = f"https://127.0.0.1:{port}"
        headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https",
                   "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(data or {}, doseq=True)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": origin, "Referer": origin + path})
        reused = server in self.conns and self.conns[server].sock is not None
        t0 = now()
        status, content, response_headers = raw_request(
            port, method, path, body=body, headers=headers, conn=self._conn(server))
        if status == 0 and reused:
            # A kept-alive connection the server had closed (it restarted, or timed the
            # connection out): like a browser, try once more on a fresh connection.
            self.conns.pop(server, None)
            self.recorder.add(Event(op, server, t0, now(), STALE_CONNECTION))
            t0 = now()
            status, content, response_headers = raw_request(
                port, method, path, body=body, headers=headers, conn=self._conn(server))
        t1 = now()
        self.recorder.add(Event(op, server, t0, t1, status))
        if status == 0:
            self.conns.pop(server, None)
            if retry and method == "GET" and len(self.fleet.ports) > 1:
                # The balancer tries an idempotent request once on another server.
                return self.request(op, method, path, server=self.balancer.choose(
                    self.rng, avoid=server), retry=False)
            return 0, b"", None, server
        for header in response_headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return status, content, response_headers, server

    def form(self, op: str, path: str, *, server: int | None = None):
        """GET a page with a form: (server, csrf token, the form's fields)."""
        status, content, _h, server = self.request(op, "GET", path, server=server)
        if status != 200:
            return server, None, {}
        parser = FormFields()
        parser.feed(content.decode("utf-8", "replace"))
        return server, parser.csrf, parser.fields


class FormFields(HTMLParser):
    """The fields of the page's POST forms, as a browser would send them unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.csrf: str | None = None
        self.fields: dict[str, list[str]] = collections.defaultdict(list)
        self.radios: dict[str, list[str]] = collections.defaultdict(list)
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if name == "csrfmiddlewaretoken":
                self.csrf = a.get("value")
            elif kind == "radio":
                self.radios[name].append(a.get("value") or "")
            elif kind == "checkbox":
                if "checked" in a:
                    self.fields[name].append(a.get("value") or "on")
            elif kind not in ("submit", "button", "file"):
                self.fields[name].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name].append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][-1] += data


# -- The load ---------------------------------------------------------------------------------


@dataclass
class Acks:
    """Every write a server acknowledged (a redirect after the POST)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    signups: list[tuple[int, str]] = field(default_factory=list)
    confirmations: list[tuple[int, str, str]] = field(default_factory=list)  # session, email, token
    cancellations: list[str] = field(default_factory=list)  # tokens
    joins: list[tuple[int, int]] = field(default_factory=list)  # user id, chapter id
    approvals: list[tuple[int, int]] = field(default_factory=list)
    edits: dict[int, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    attempted_edits: dict[int, list[str]] = field(
        default_factory=lambda: collections.defaultdict(list))
    stale: list[tuple[float, bool]] = field(default_factory=list)  # seconds, in a fault window


class Load:
    def __init__(self, fleet: Fleet, seed: dict, recorder: Recorder, balancer: Balancer,
                 faults: Faults, deadline: float, rng_seed: int):
        self.fleet, self.seed, self.recorder, self.balancer = fleet, seed, recorder, balancer
        self.faults = faults
        self.deadline = deadline
        self.acks = Acks()
        self.rng_seed = rng_seed
        self.counter = 0
        self.lock = threading.Lock()
        self.joiners = list(seed["joiners"])
        self.run = f"{rng_seed:x}{int(time.time()) % 100000:x}"

    def next_number(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def db(self) -> psycopg.Connection:
        return psycopg.connect(self.fleet.direct_url, autocommit=True,
                               application_name=DRIVER)

    def query(self, conn_box: list, sql: str, params) -> list:
        for _attempt in range(3):
            try:
                if conn_box[0] is None or conn_box[0].closed:
                    conn_box[0] = self.db()
                return conn_box[0].execute(sql, params).fetchall()
            except psycopg.Error:
                conn_box[0] = None
                time.sleep(0.2)
        return []

    # Operations, each a few requests as one person would make them.
    def browse(self, client: Client) -> None:
        chapter = client.rng.choice(self.seed["chapters"])
        choice = client.rng.random()
        if choice < 0.35:
            client.request("search", "GET", f"/chapters/?q=Fleet+{client.rng.randint(0, 9)}")
        elif choice < 0.7:
            client.request("chapter", "GET", f"/chapters/{chapter['slug']}/")
        elif choice < 0.9:
            client.request("sessions", "GET", "/sessions/")
        else:
            client.request("api", "GET", "/api/chapters/")

    def signup(self, client: Client, conn_box: list) -> None:
        # Each sign-up is a new visitor: confirming one signs that person in (one identity),
        # and a signed-in person's next sign-up would be made with their own address.
        client.cookies.clear()
        chapter = client.rng.choice(self.seed["chapters"])
        session = client.rng.choice(chapter["sessions"])
        address = f"p{self.next_number()}-{self.run}@fleet.example"
        server, csrf, _fields = client.form("signup", f"/sessions/{session}/")
        if not csrf:
            return
        status, _c, headers, _s = client.request(
            "signup", "POST", f"/sessions/{session}/", {
                "csrfmiddlewaretoken": csrf, "name": "Fleet Person", "email": address},
            server=server)
        if status != 302:
            return
        with self.acks.lock:
            self.acks.signups.append((session, address))
        rows = self.query(conn_box, "SELECT code FROM onboarding_registration WHERE "
                          "session_id = %s AND lower(email) = %s", [session, address])
        if not rows:
            return
        # The code is typed on the other server.
        other = self.balancer.choose(client.rng, avoid=server)
        server, csrf, _f = client.form("confirm", f"/sessions/{session}/check-email/",
                                       server=other)
        if not csrf:
            return
        status, _c, headers, _s = client.request(
            "confirm", "POST", f"/sessions/{session}/check-email/", {
                "csrfmiddlewaretoken": csrf, "email": address, "code": rows[0][0]},
            server=server)
        location = headers.get("Location", "") if headers else ""
        if status == 302 and "/sessions/r/" in location:
            token = location.rstrip("/").rsplit("/", 1)[-1]
            with self.acks.lock:
                self.acks.confirmations.append((session, address, token))

    def cancel(self, client: Client) -> None:
        with self.acks.lock:
            cancelled = set(self.acks.cancellations)
            open_ones = [c for c in self.acks.confirmations if c[2] not in cancelled]
        if not open_ones:
            return
        _session, _address, token = client.rng.choice(open_ones)
        server, csrf, _f = client.form("cancel", f"/sessions/r/{token}/")
        if not csrf:
            return
        status, _c, _h, _s = client.request("cancel", "POST", f"/sessions/r/{token}/cancel/",
                                            {"csrfmiddlewaretoken": csrf}, server=server)
        if status == 302:
            with self.acks.lock:
                self.acks.cancellations.append(token)

    def join_and_approve(self, client: Client, conn_box: list) -> None:
        with self.lock:
            if not self.joiners:
                return
            joiner = self.joiners.pop()
        chapter = client.rng.choice(self.seed["chapters"])
        person = Client(self.fleet, self.recorder, self.balancer, client.rng, joiner["cookie"])
        path = f"/chapters/{chapter['slug']}/join/"
        server, csrf, _fields = person.form("join", path)
        if not csrf:
            return
        answers = {"csrfmiddlewaretoken": csrf, "owner_executive_investor": "no",
                   "hire_fire": "no", "works_in_tech": "yes"}
        status, _c, _h, _s = person.request("join", "POST", path, answers, server=server)
        if status != 302:
            return
        with self.acks.lock:
            self.acks.joins.append((joiner["id"], chapter["id"]))
        rows = self.query(conn_box, "SELECT id FROM members_membership WHERE user_id = %s "
                          "AND chapter_id = %s", [joiner["id"], chapter["id"]])
        if not rows:
            return
        organizer = Client(self.fleet, self.recorder, self.balancer, client.rng,
                           chapter["organizer"])
        server, csrf, _f = organizer.form("approve", f"/chapters/{chapter['slug']}/requests/")
        if not csrf:
            return
        status, _c, _h, _s = organizer.request(
            "approve", "POST", f"/chapters/{chapter['slug']}/requests/decide/",
            {"csrfmiddlewaretoken": csrf, "decide": f"approve:{rows[0][0]}"}, server=server)
        if status == 302:
            with self.acks.lock:
                self.acks.approvals.append((joiner["id"], chapter["id"]))

    def edit_and_watch(self, rng: random.Random) -> None:
        """An organizer edits the chapter page on one server; an anonymous visitor of the
        other server reloads it until the change shows."""
        chapter = rng.choice(self.seed["chapters"])
        organizer = Client(self.fleet, self.recorder, self.balancer, rng, chapter["organizer"])
        visitor = Client(self.fleet, self.recorder, self.balancer, rng)
        path = f"/chapters/{chapter['slug']}/"
        server, csrf, fields = organizer.form("edit", path + "edit/")
        if not csrf:
            return
        other = self.balancer.choose(rng, avoid=server)
        visitor.request("watch", "GET", path, server=other)  # the old page, cached there
        marker = f"Fleet edit {self.next_number()} {self.run}"
        data = {k: v for k, v in fields.items()}
        data["description"] = [f"A chapter of the fleet run. {marker}"]
        data["csrfmiddlewaretoken"] = [csrf]
        with self.acks.lock:
            self.acks.attempted_edits[chapter["id"]].append(marker)
        status, _c, _h, _s = organizer.request("edit", "POST", path + "edit/", data,
                                               server=server)
        if status != 302:
            return
        acked = now()
        with self.acks.lock:
            self.acks.edits[chapter["id"]].append(marker)
        last_stale = None
        while now() - acked < 10:
            status, content, _h, seen_on = visitor.request("watch", "GET", path, server=other,
                                                           retry=False)
            if status == 200 and marker.encode() in content:
                break
            if status == 200:
                last_stale = now()
            time.sleep(0.05)
        stale = (last_stale - acked) if last_stale else 0.0
        in_window = self.faults.in_window(other, acked, now()) or self.faults.in_window(
            server, acked, now())
        with self.acks.lock:
            self.acks.stale.append((stale, in_window))

    def client_loop(self, index: int) -> None:
        rng = random.Random(self.rng_seed * 1000 + index)
        client = Client(self.fleet, self.recorder, self.balancer, rng)
        conn_box: list = [None]
        while now() < self.deadline:
            roll = rng.random()
            if roll < 0.55:
                self.browse(client)
            elif roll < 0.80:
                self.signup(client, conn_box)
            elif roll < 0.88:
                self.cancel(client)
            else:
                self.join_and_approve(client, conn_box)
        if conn_box[0] is not None:
            conn_box[0].close()

    def editor_loop(self) -> None:
        rng = random.Random(self.rng_seed * 1000 + 999)
        while now() < self.deadline - 1:
            self.edit_and_watch(rng)
            pause = rng.uniform(1.0, 2.5)
            time.sleep(max(0.0, min(pause, self.deadline - now())))


# -- Faults -----------------------------------------------------------------------------------


@dataclass
class Window:
    kind: str
    server: int | None  # None: every server
    start: float
    end: float | None = None


class Faults:
    GRACE = 1.0  # seconds after a fault's recovery that still count as its window

    def __init__(self, fleet: Fleet, balancer: Balancer, recorder: Recorder):
        self.fleet, self.balancer, self.recorder = fleet, balancer, recorder
        self.windows: list[Window] = []
        self.recoveries: list[dict] = []
        self.sigterm_inflight: list[dict] = []
        self.lock = threading.Lock()

    def in_window(self, server: int, t0: float, t1: float) -> bool:
        with self.lock:
            windows = list(self.windows)
        for w in windows:
            end = (w.end if w.end is not None else float("inf")) + self.GRACE
            if (w.server is None or w.server == server) and t0 <= end and t1 >= w.start:
                return True
        return False

    def open(self, kind: str, server: int | None) -> Window:
        window = Window(kind, server, now())
        with self.lock:
            self.windows.append(window)
        return window

    def kill_server(self, i: int) -> None:
        proc = self.fleet.servers[i]
        self.balancer.down(i)
        window = self.open("kill -9 server", i)
        proc.signal(signal.SIGKILL)
        proc.process.wait(timeout=10)
        proc.start()
        took = self.fleet.wait_healthy(i)
        window.end = now()
        self.balancer.back(i)
        self.recoveries.append({"fault": "kill -9 server", "server": i,
                                "recovered_s": round(window.end - window.start, 2),
                                "ok": took is not None})

    def sigterm_server(self, i: int) -> None:
        """Drain the server (the balancer sends it nothing new), start a few requests on it,
        then SIGTERM it: every request it had begun must be answered."""
        proc = self.fleet.servers[i]
        window = self.open("SIGTERM server", i)
        self.balancer.down(i)
        probes: list[Event] = []

        def probe(n: int) -> None:
            path = f"/chapters/?q=Fleet+{n}&fleet-probe={n}-{random.random()}"  # uncached
            t0 = now()
            status, _b, _h = raw_request(self.fleet.ports[i], "GET", path, headers={
                "Host": f"127.0.0.1:{self.fleet.ports[i]}", "X-Forwarded-Proto": "https"})
            probes.append(Event("sigterm-probe", i, t0, now(), status))

        threads = [threading.Thread(target=probe, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.2)  # let the server take them in
        t_term = now()
        proc.signal(signal.SIGTERM)
        for thread in threads:
            thread.join(timeout=40)
        try:
            proc.process.wait(timeout=30)
            exited = now() - t_term
        except subprocess.TimeoutExpired:
            exited = None
            proc.signal(signal.SIGKILL)
            proc.process.wait(timeout=10)
        inflight = [e for e in probes if e.t1 > t_term]
        with self.recorder.lock:
            inflight += [e for e in self.recorder.events
                         if e.server == i and e.t0 < t_term - 0.1 and e.t1 > t_term]
            self.recorder.events.extend(probes)
        self.sigterm_inflight.append({
            "server": i, "in_flight": len(inflight),
            "finished": sum(1 for e in inflight if 0 < e.status < 500)})
        proc.start()
        took = self.fleet.wait_healthy(i)
        window.end = now()
        self.balancer.back(i)
        self.recoveries.append({"fault": "SIGTERM server", "server": i,
                                "exited_s": round(exited, 2) if exited is not None else None,
                                "recovered_s": round(window.end - window.start, 2),
                                "ok": took is not None and exited is not None})

    def kill_worker(self, i: int, worker_ids: dict[int, str]) -> None:
        proc = self.fleet.workers[i]
        worker_id = worker_ids[i]
        task = None
        mid_send = False
        with psycopg.connect(self.fleet.direct_url, autocommit=True,
                             application_name=DRIVER) as conn:
            # Catch it in the middle of a send (the mail server has not accepted the message:
            # the retry must send it, once), else in the middle of any task. Not in the
            # instant after the server accepted and before the ledger committed: no protocol
            # closes that one (core/delivery.py), and a random kill lands there now and then.
            mark = self.fleet.sending_dir / f"sending-{proc.process.pid}"
            running = ("SELECT id FROM django_tasks_database_dbtaskresult WHERE status = "
                       "'RUNNING' AND worker_ids->>-1 = %s LIMIT 1")
            deadline = now() + 10
            while now() < deadline:
                if mark.exists():
                    row = conn.execute(running, [worker_id]).fetchone()
                    if mark.exists():  # still before the server's acceptance: kill now
                        task, mid_send = (row[0] if row else None), True
                        break
                time.sleep(0.002)
            deadline = now() + 5
            while not mid_send and now() < deadline:  # no send seen: any task, as before
                row = conn.execute(running, [worker_id]).fetchone()
                if row:
                    task = row[0]
                    break
                time.sleep(0.02)
            t_kill = now()
            proc.signal(signal.SIGKILL)
            proc.process.wait(timeout=10)
            worker_ids[i] = self.fleet.start_worker(proc)
            recovered = None
            if task is not None:
                while now() - t_kill < 60:
                    row = conn.execute("SELECT status FROM django_tasks_database_dbtaskresult "
                                       "WHERE id = %s", [task]).fetchone()
                    if row and row[0] in ("SUCCESSFUL", "FAILED"):
                        recovered = now() - t_kill
                        break
                    time.sleep(0.1)
        self.recoveries.append({
            "fault": "kill -9 worker", "worker": i, "mid_task": task is not None,
            "mid_send": mid_send,
            "task_done_s": round(recovered, 2) if recovered is not None else None,
            "ok": task is None or recovered is not None})

    def terminate_connections(self) -> None:
        window = self.open("pg_terminate_backend", None)
        with psycopg.connect(self.fleet.direct_url, autocommit=True,
                             application_name=DRIVER) as conn:
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                "datname = %s AND pid <> pg_backend_pid() AND application_name <> %s",
                [self.fleet.database, DRIVER]).fetchone()[0]
        ok = all(self.fleet.wait_healthy(i, timeout=30) is not None
                 for i in range(len(self.fleet.servers)))
        window.end = now()
        self.recoveries.append({"fault": "pg_terminate_backend", "connections": killed,
                                "recovered_s": round(window.end - window.start, 2), "ok": ok})

    def plan(self, rng: random.Random, seconds: float, servers: int) -> list[tuple[float, str]]:
        """Each minute (the whole run if shorter): the four faults in a random order, each
        at a random moment of its own slot, so that their windows rarely overlap."""
        plan = []
        blocks = max(1, int(seconds // 60))
        block = (seconds - 6) / blocks
        for b in range(blocks):
            kinds = ["kill_server", "kill_worker", "terminate", "sigterm"]
            if servers < 2:
                kinds = ["kill_worker", "terminate"]
            rng.shuffle(kinds)
            slot = block / len(kinds)
            for n, kind in enumerate(kinds):
                plan.append((2 + b * block + n * slot + rng.uniform(0, slot * 0.3), kind))
        return plan

    def loop(self, plan, started: float, deadline: float, rng: random.Random,
             worker_ids: dict[int, str]) -> None:
        for at, kind in plan:
            while now() < started + at and now() < deadline:
                time.sleep(0.05)
            if now() >= deadline - 3:
                return
            server = rng.randrange(len(self.fleet.servers))
            if kind == "kill_server":
                self.kill_server(server)
            elif kind == "sigterm":
                self.sigterm_server(server)
            elif kind == "kill_worker":
                self.kill_worker(rng.randrange(len(self.fleet.workers)), worker_ids)
            elif kind == "terminate":
                self.terminate_connections()


# -- Cross-server checks ------------------------------------------------------------------------


def mail_messages(mail_dir: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip(),
                                                         policy=email.policy.default))
    return messages


def login_code(mail_dir: Path, address: str, after: int, timeout: float = 15) -> str | None:
    deadline = now() + timeout
    while now() < deadline:
        found = [m for m in mail_messages(mail_dir) if address in str(m["To"])]
        if len(found) > after:
            body = found[-1].get_body(("plain",)).get_content()
            match = re.search(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]{3,})?)\s*$", body, re.M)
            return match.group(1) if match else None
        time.sleep(0.2)
    return None


def check_sign_in_across_servers(fleet: Fleet, recorder: Recorder, balancer: Balancer) -> dict:
    """Sign in by emailed code on server 0 (the code typed on server 1); /me/ on server 0
    then shows the account: the session lives in the database, not in one server."""
    other = 1 if len(fleet.ports) > 1 else 0
    client = Client(fleet, recorder, balancer, random.Random(7))
    address = "signin@fleet.example"
    server, csrf, _f = client.form("sign-in", "/accounts/login/code/", server=0)
    status, _c, _h, _s = client.request("sign-in", "POST", "/accounts/login/code/",
                                        {"csrfmiddlewaretoken": csrf, "email": address},
                                        server=0)
    code = login_code(fleet.mail_dir, address, after=0) if status == 302 else None
    confirmed = None
    if code:
        _s, csrf, _f = client.form("sign-in", "/accounts/login/code/confirm/", server=other)
        confirmed, _c, _h, _s = client.request(
            "sign-in", "POST", "/accounts/login/code/confirm/",
            {"csrfmiddlewaretoken": csrf, "code": code}, server=other)
    me, content, _h, _s = client.request("sign-in", "GET", "/me/", server=0)
    ok = confirmed == 302 and me == 200 and address.encode() in content
    return {"requested": status, "code_found": bool(code), "confirmed": confirmed,
            "me_on_first_server": me, "ok": ok}


def check_rate_limit_across_servers(fleet: Fleet, recorder: Recorder,
                                    balancer: Balancer) -> dict:
    """allauth allows 3 sign-in codes a minute per address: 3 asked on server 0, the 4th on
    server 1 must be refused (the limit lives in the shared database cache)."""
    other = 1 if len(fleet.ports) > 1 else 0
    client = Client(fleet, recorder, balancer, random.Random(8))
    address = "ratelimited@fleet.example"
    answers = []
    for server in (0, 0, 0, other):
        client.cookies.pop("__Host-sessionid", None)
        _s, csrf, _f = client.form("rate-limit", "/accounts/login/code/", server=server)
        status, content, _h, _s = client.request(
            "rate-limit", "POST", "/accounts/login/code/",
            {"csrfmiddlewaretoken": csrf, "email": address}, server=server)
        limited = status == 429 or (status in (200, 400) and b"Too many" in content)
        answers.append("limited" if limited else str(status))
    ok = answers[:3] == ["302", "302", "302"] and answers[3] == "limited"
    return {"answers": answers, "ok": ok}


# -- The final checks ---------------------------------------------------------------------------


def wait_for_queue(fleet: Fleet, timeout: float) -> dict:
    started = now()
    with psycopg.connect(fleet.direct_url, autocommit=True, application_name=DRIVER) as conn:
        while True:
            counts = dict(conn.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult WHERE "
                "status IN ('READY', 'RUNNING') AND (run_after <= now() OR run_after >= "
                "'9999-01-01') GROUP BY status").fetchall())
            if not counts or now() - started > timeout:
                return {"pending": counts, "waited_s": round(now() - started, 1)}
            time.sleep(0.5)


def check_database(fleet: Fleet, acks: Acks) -> dict:
    out: dict = {}
    with psycopg.connect(fleet.direct_url, autocommit=True, application_name=DRIVER) as conn:
        out["overbooked_sessions"] = conn.execute(
            "SELECT count(*) FROM (SELECT s.id FROM onboarding_onboardingsession s JOIN "
            "onboarding_registration r ON r.session_id = s.id WHERE r.status = ANY(%s) "
            "GROUP BY s.id, s.capacity HAVING count(*) > s.capacity) over",
            [list(PLACE_HOLDING)]).fetchone()[0]
        registrations = {(s, e.lower()): (status, token) for s, e, status, token in conn.execute(
            "SELECT session_id, email, status, token FROM onboarding_registration").fetchall()}
        memberships = {(u, c): status for u, c, status in conn.execute(
            "SELECT user_id, chapter_id, status FROM members_membership WHERE user_id IS NOT "
            "NULL").fetchall()}
        descriptions = dict(conn.execute("SELECT id, description FROM chapters_chapter")
                            .fetchall())
        tasks = conn.execute(
            "SELECT id, status, args_kwargs FROM django_tasks_database_dbtaskresult WHERE "
            "task_path LIKE %s AND (run_after <= now() OR run_after >= '9999-01-01')",
            ["%send_email"]).fetchall()
        task_statuses = collections.Counter(r[0] for r in conn.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult").fetchall())
        # What failed and why: the task, the exception and the traceback's last line.
        failed = [{"task": path, "exception": exc,
                   "last_line": (trace.strip().splitlines() or [""])[-1][:300]}
                  for path, exc, trace in conn.execute(
                      "SELECT task_path, exception_class_path, traceback FROM "
                      "django_tasks_database_dbtaskresult WHERE status = 'FAILED' "
                      "ORDER BY id LIMIT 5").fetchall()]
    cancelled = set(acks.cancellations)
    by_token = {token: status for (status, token) in registrations.values()}
    lost = collections.Counter()
    for session, address in acks.signups:
        if (session, address.lower()) not in registrations:
            lost["sign-up"] += 1
    for _session, _address, token in acks.confirmations:
        status = by_token.get(token)
        if status is None or status not in ("confirmed", "waitlisted", "cancelled"):
            lost["confirmation"] += 1
    for token in cancelled:
        if by_token.get(token) != "cancelled":
            lost["cancellation"] += 1
    for key in acks.joins:
        if memberships.get(key) not in ("pending", "active"):
            lost["join request"] += 1
    for key in acks.approvals:
        if memberships.get(key) != "active":
            lost["approval"] += 1
    for chapter_id, markers in acks.edits.items():
        final = descriptions.get(chapter_id, "")
        attempted = acks.attempted_edits[chapter_id]
        later = attempted[attempted.index(markers[-1]):]  # the last acknowledged, or later
        if not any(m in final for m in later):
            lost["edit"] += 1
    out["lost_writes"] = dict(lost)
    out["acknowledged"] = {"sign-ups": len(acks.signups),
                           "confirmations": len(acks.confirmations),
                           "cancellations": len(cancelled), "join requests": len(acks.joins),
                           "approvals": len(acks.approvals),
                           "edits": sum(len(m) for m in acks.edits.values())}
    # Emails: every one the app queued, against the files the mailer wrote.
    expected: dict[str, set] = collections.defaultdict(set)
    failed_tasks = 0
    for task_id, status, args_kwargs in tasks:
        args = args_kwargs["args"]
        recipients, template = args[0], args[1]
        key = args[4] if len(args) > 4 and args[4] else f"task:{task_id}"
        if status == "FAILED":
            failed_tasks += 1
        for recipient in recipients:
            expected[recipient.lower()].add((template, key))
    delivered = collections.Counter()
    ids_of = collections.defaultdict(list)
    for message in mail_messages(fleet.mail_dir):
        for recipient in str(message["To"]).split(","):
            delivered[recipient.strip().lower()] += 1
            ids_of[recipient.strip().lower()].append(
                (str(message["Message-ID"]), str(message["Subject"])[:60]))
    twice = {r: delivered[r] - len(e) for r, e in expected.items() if delivered[r] > len(e)}
    never = {r: len(e) - delivered[r] for r, e in expected.items() if delivered[r] < len(e)}
    out["emails"] = {"queued": sum(len(e) for e in expected.values()),
                     "delivered": sum(delivered[r] for r in expected),
                     "twice": sum(twice.values()), "never": sum(never.values()),
                     "failed_tasks": failed_tasks,
                     "examples": {"twice": list(twice)[:3], "never": list(never)[:3]},
                     # The same Message-ID twice is one ledger row sent again (a kill in
                     # the moment between the mail server's acceptance and the commit);
                     # different ones are two rows (two keys for one event).
                     "twice_messages": {r: ids_of[r] for r in list(twice)[:3]}}
    out["task_statuses"] = dict(task_statuses)
    out["failed_tasks"] = failed
    return out


def summarize_requests(recorder: Recorder, faults: Faults, seconds: float,
                       started: float) -> dict:
    outcomes = collections.Counter()
    outside = collections.Counter()
    inside = collections.Counter()
    examples = []
    for e in recorder.events:
        klass = {0: "error", STALE_CONNECTION: "stale keep-alive, retried"}.get(
            e.status, f"{e.status // 100}xx")
        outcomes[(e.op, klass)] += 1
        bad = e.status == 0 or e.status >= 500
        if bad:
            if faults.in_window(e.server, e.t0, e.t1):
                inside[klass] += 1
            else:
                outside[klass] += 1
                examples.append({"op": e.op, "server": e.server, "status": e.status,
                                 "at_s": round(e.t0 - started, 2),
                                 "took_s": round(e.t1 - e.t0, 2)})
    per_op = collections.defaultdict(dict)
    for (op, klass), count in sorted(outcomes.items()):
        per_op[op][klass] = count
    total = len(recorder.events)
    return {"total": total, "per_second": round(total / seconds, 1), "by_outcome": per_op,
            "bad_outside_fault_windows": dict(outside),
            "bad_outside_examples": examples[:10],
            "bad_inside_fault_windows": dict(inside)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=6, help="client threads")
    parser.add_argument("--pgbouncer", action="store_true")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432",
                        help="the PostgreSQL server and role (on this machine)")
    parser.add_argument("--database", default="twc_fleet_run")
    parser.add_argument("--port-base", type=int, default=18300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the logs' directory")
    args = parser.parse_args()
    if not 1 <= args.servers <= 9 or not 1 <= args.workers <= 9:
        parser.error("1 to 9 servers and workers")
    server = urlsplit(args.postgres)
    if server.hostname not in ("127.0.0.1", "localhost"):
        parser.error("--postgres must be on this machine (127.0.0.1)")
    global PG_HOST, PG_PORT, PG_USER
    PG_HOST, PG_PORT, PG_USER = "127.0.0.1", server.port or 5432, server.username or "postgres"

    workdir = Path(tempfile.mkdtemp(prefix="fleet-"))
    fleet = Fleet(args, workdir)
    rng = random.Random(args.seed)
    results: dict = {"config": {k: v for k, v in vars(args).items() if k != "json"} | {
        "json": str(args.json) if args.json else None}}
    try:
        t = now()
        print(f"== database {args.database}: migrate and seed", flush=True)
        fleet.create_database()
        phases = {"migrate_s": round(now() - t, 1)}
        seed = fleet.seed(chapters=4, joiners=max(60, int(args.seconds * 1.5)))
        phases["seed_s"] = round(now() - t - phases["migrate_s"], 1)
        if args.pgbouncer:
            fleet.start_pgbouncer()
        for i in range(args.servers):
            fleet.add_server(i).start()
        worker_ids = {}
        for i in range(args.workers):
            worker_ids[i] = fleet.start_worker(fleet.add_worker(i))
        for i in range(args.servers):
            if fleet.wait_healthy(i) is None:
                raise SystemExit(f"server {i} did not start: see {fleet.servers[i].log}")
        results["setup_s"] = round(now() - t, 1)
        results["setup_phases"] = phases | {
            "start_s": round(results["setup_s"] - phases["migrate_s"] - phases["seed_s"], 1)}
        print(f"== {args.servers} server(s) on {fleet.ports}, {args.workers} worker(s)"
              f"{' through PgBouncer' if args.pgbouncer else ''}; setup {results['setup_s']} s",
              flush=True)

        recorder = Recorder()
        balancer = Balancer(args.servers)
        faults = Faults(fleet, balancer, recorder)
        results["sign_in_across_servers"] = check_sign_in_across_servers(
            fleet, recorder, balancer)
        results["rate_limit_across_servers"] = check_rate_limit_across_servers(
            fleet, recorder, balancer)
        recorder.events.clear()

        started = now()
        deadline = started + args.seconds
        load = Load(fleet, seed, recorder, balancer, faults, deadline, args.seed)
        threads = [threading.Thread(target=load.client_loop, args=(n,), daemon=True)
                   for n in range(args.clients)]
        threads.append(threading.Thread(target=load.editor_loop, daemon=True))
        if not args.no_faults:
            plan = faults.plan(rng, args.seconds, args.servers)
            threads.append(threading.Thread(target=faults.loop, daemon=True,
                                            args=(plan, started, deadline, rng, worker_ids)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - now()) + 90)
        elapsed = now() - started
        print(f"== load done after {elapsed:.0f} s; waiting for the task queue", flush=True)
        results["queue"] = wait_for_queue(fleet, timeout=90)
        results["requests"] = summarize_requests(recorder, faults, elapsed, started)
    finally:
        fleet.stop_all()
    results["faults"] = {"windows": [
        {"kind": w.kind, "server": w.server,
         "length_s": round((w.end or w.start) - w.start, 2)} for w in faults.windows],
        "recoveries": faults.recoveries, "sigterm_in_flight": faults.sigterm_inflight}
    results.update(check_database(fleet, load.acks))
    stale = [s for s, in_window in load.acks.stale if not in_window]
    results["stale_page"] = {
        "edits_watched": len(load.acks.stale),
        "longest_s": round(max(stale), 2) if stale else None,
        "longest_in_fault_windows_s": round(max((s for s, w in load.acks.stale if w),
                                                default=0), 2),
        "limit_s": PAGECACHE_SECONDS + 0.5}

    failures = []
    if results["requests"]["bad_outside_fault_windows"]:
        failures.append("errors or 5xx outside the fault windows")
    if results["overbooked_sessions"]:
        failures.append("sessions over capacity")
    if results["lost_writes"]:
        failures.append("lost writes")
    if results["emails"]["twice"] or results["emails"]["never"]:
        failures.append("emails sent twice or never")
    if results["queue"]["pending"]:
        failures.append("tasks still queued at the end")
    if stale and max(stale) > results["stale_page"]["limit_s"]:
        failures.append("a stale page for too long")
    if not results["sign_in_across_servers"]["ok"]:
        failures.append("a sign-in not valid on the other server")
    if not results["rate_limit_across_servers"]["ok"]:
        failures.append("a rate limit not shared between servers")
    if any(r["in_flight"] != r["finished"] for r in faults.sigterm_inflight):
        failures.append("in-flight requests cut by a SIGTERM")
    if not all(r["ok"] for r in faults.recoveries):
        failures.append("a fault the fleet did not recover from")
    results["failures"] = failures
    print(json.dumps(results, indent=2, default=str))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    print("== FAILED: " + "; ".join(failures) if failures else "== OK: nothing lost",
          flush=True)
    if args.keep or failures:
        print(f"logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
