"""Serve the app as in production and drive it with wrk; write docs/performance.md.

    uv run python bench/run.py                      # small and full sizes (12 to 15 minutes)
    uv run python bench/run.py --sizes small --duration 5s --ceiling-duration 3s

Each size is its own database, seeded beforehand by bench/seed.py (see bench/README.md).
Every target is measured right after a ceiling window of its own (`/bench/ping`, no database),
so a machine that other work slows down slows both, and the ratio stays fair; the server's
CPU per request (gunicorn workers plus the PostgreSQL backends of the database, from /proc)
is reported beside the throughput.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.probe import succeeded  # noqa: E402
from bench.targets import CEILING, REGISTRATION, SEARCH, TARGETS, WEIGHED, Target  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432/"
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdef"
# The seeder encrypts the demo TOTP secret with this key too (bench/seed.py).
MFA_ENCRYPTION_KEY = "YmVuY2gtb25seS1tZmEta2V5LW5vdC1mb3ItcHJvZDA="
MAX_QUERIES = 10
GET_SHARE, POST_SHARE, P95_GROWTH, RSS_GROWTH = 1 / 3, 1 / 6, 1.5, 1.25
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Window:
    """One wrk run: throughput, latency, answers, and the server CPU it cost."""

    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    requests: int = 0
    ok: int = 0
    failed: int = 0
    answers: dict[str, int] = field(default_factory=dict)  # s2xx, s3xx, ..., to_login
    errors: int = 0  # connect/read/write errors and timeouts (> 10 s)
    cpu_ms: float | None = None  # server CPU per request: gunicorn + PostgreSQL backends
    app_cpu_ms: float | None = None  # the gunicorn part of it


@dataclass
class Result:
    name: str
    path: str | None
    status: str = "missing"
    queries: int | None = None
    distinct: int = 0  # distinct requests in the measured lines (0: one repeated request)
    window: Window = field(default_factory=Window)
    ceiling: Window = field(default_factory=Window)

    @property
    def ratio(self) -> float | None:
        if self.window.rps and self.ceiling.rps:
            return self.window.rps / self.ceiling.rps
        return None

    @property
    def failed(self) -> bool:
        return self.status.startswith("failed") or self.status.startswith("HTTP")


@dataclass
class SizeRun:
    size: str
    database: str
    results: dict[str, Result] = field(default_factory=dict)
    peak_rss_mb: float | None = None
    rss_before_mb: float | None = None  # the largest worker RSS after the first target
    rss_after_mb: float | None = None  # ... and after the last
    weights: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: (html, total)
    foreign_scripts: list[str] = field(default_factory=list)
    overbooked: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def require_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        sys.exit("wrk is not installed. On Debian/Ubuntu: apt-get update && apt-get install -y wrk")
    return path


def free_port() -> int:
    """A free port, or BENCH_PORT when set (a machine where each user has a port range)."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_STATIC_ROOT": static_root,
        "SECRET_KEY": SECRET_KEY,
        "MFA_ENCRYPTION_KEY": os.environ.get("MFA_ENCRYPTION_KEY", MFA_ENCRYPTION_KEY),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DJANGO_CONN_MAX_AGE": "600",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)


def probe(env: dict[str, str], only: list[str] | None) -> dict:
    out = subprocess.run([sys.executable, "bench/probe.py", "|".join(only or [])], cwd=ROOT,
                         env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout)


def fetch(url: str, cookie: str | None = None, language: str = "en",
          ) -> tuple[int, bytes, dict[str, str]]:
    """One GET, redirects not followed (a redirect is an answer, not the page)."""
    parsed = urlparse(url)
    headers = {"Accept-Encoding": "gzip", "Accept-Language": language,
               "Host": parsed.netloc}
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=40)
    try:
        connection.request("GET", parsed.path + (f"?{parsed.query}" if parsed.query else ""),
                           headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    except OSError:  # no answer in time (gunicorn kills a worker after 30 s)
        return 0, b"", {}
    finally:
        connection.close()


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "twc.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
         "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if fetch(f"http://127.0.0.1:{port}/bench/ping")[0] == 200:
            time.sleep(2)  # let every worker finish booting
            return process
        time.sleep(0.5)
    process.terminate()
    sys.exit("gunicorn did not answer /bench/ping")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def _status_kb(pid: int, key: str) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(rf"{key}:\s+(\d+) kB", status)
    return int(match.group(1)) if match else None


def peak_rss_mb(pids: list[int]) -> float | None:
    """The largest peak resident memory (VmHWM) among the workers."""
    peaks = [kb for kb in (_status_kb(pid, "VmHWM") for pid in pids) if kb]
    return max(peaks) / 1024 if peaks else None


def rss_mb(pids: list[int]) -> float | None:
    """The largest resident memory (VmRSS) among the workers now."""
    now = [kb for kb in (_status_kb(pid, "VmRSS") for pid in pids) if kb]
    return max(now) / 1024 if now else None


def cpu_ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


class ServerCpu:
    """CPU used by the server: the gunicorn master and its workers, and the PostgreSQL
    backends connected to the benchmark's database (same machine: their /proc/<pid>/stat).
    A backend that connects during a window counts from zero, which it started at."""

    def __init__(self, master: int, database_url: str) -> None:
        import psycopg

        self.master = master
        self.database = database_url.rsplit("/", 1)[1]
        self.connection = psycopg.connect(database_url, autocommit=True)

    def backends(self) -> list[int]:
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.database]).fetchall()
        return [pid for (pid,) in rows]

    def snapshot(self) -> dict[str, dict[int, int]]:
        app = [self.master, *worker_pids(self.master)]
        return {"app": {pid: cpu_ticks(pid) for pid in app},
                "db": {pid: cpu_ticks(pid) for pid in self.backends()}}

    @staticmethod
    def used_ms(before: dict[str, dict[int, int]], after: dict[str, dict[int, int]]
                ) -> tuple[float, float]:
        """(all, gunicorn only) CPU milliseconds between two snapshots."""
        spent = {}
        for part in ("app", "db"):
            ticks = sum(max(0, t - before[part].get(pid, 0)) for pid, t in after[part].items())
            spent[part] = ticks * 1000 / CLOCK_TICKS
        return spent["app"] + spent["db"], spent["app"]

    def settle(self, most: float = 3.0) -> None:
        """Wait until the workers have answered what an earlier window left queued (their CPU
        stops moving), at most `most` seconds: the next window then measures only itself."""
        deadline = time.monotonic() + most
        last = sum(self.snapshot()["app"].values())
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = sum(self.snapshot()["app"].values())
            if now - last <= 1:  # a tick or less in a quarter second: idle
                return
            last = now

    def close(self) -> None:
        self.connection.close()
class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        if tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.styles.append(a["href"])


def weigh(base: str, path: str, cookie: str | None) -> tuple[int, int, list[str]]:
    """Compressed bytes of the page and its same-origin CSS and JS; scripts from other hosts.

    Django sends HTML uncompressed (a proxy compresses it in production), so the HTML counts
    gzip-compressed here; whitenoise serves the assets pre-compressed.
    """
    status, body, headers = fetch(base + path, cookie)
    if status != 200:
        return 0, 0, []
    raw = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
    html = len(gzip.compress(raw, 6))
    parser = Assets()
    parser.feed(raw.decode("utf-8", "replace"))
    host = urlparse(base).netloc
    total, foreign = html, []
    for src in parser.scripts + parser.styles:
        url = urljoin(base + path, src)
        if urlparse(url).netloc != host:
            if src in parser.scripts:
                foreign.append(src)
            continue
        _, asset, asset_headers = fetch(url)
        total += len(asset) if asset_headers.get("Content-Encoding") == "gzip" else len(
            gzip.compress(asset, 6))
    return html, total, foreign


def table_counts(env: dict[str, str]) -> dict[str, int]:
    code = (
        "import json; from bench.seed import setup_django; setup_django();"
        "from django.db import connection\n"
        "tables={'chapters':'chapters_chapter','people':'members_user',"
        "'memberships':'members_membership','sessions':'onboarding_onboardingsession',"
        "'registrations':'onboarding_registration'}\n"
        "out={}\n"
        "with connection.cursor() as c:\n"
        " for k,t in tables.items():\n"
        "  c.execute('SELECT count(*) FROM '+t); out[k]=c.fetchone()[0]\n"
        "print(json.dumps(out))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return json.loads(out.stdout)


def overbooked(env: dict[str, str], sql: str) -> int:
    code = ("import sys; from bench.seed import setup_django; setup_django();"
            "from django.db import connection\n"
            "with connection.cursor() as c:\n"
            " c.execute(sys.argv[1]); print(c.fetchone()[0])")
    out = subprocess.run([sys.executable, "-c", code, sql], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, text=True)
    return int(out.stdout.strip())


def machine() -> str:
    def sh(command: str) -> str:
        return subprocess.run(command, shell=True, stdout=subprocess.PIPE, text=True).stdout.strip()

    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    return "\n".join([
        f"- CPU: {cpu}, `nproc` = {os.cpu_count()}",
        "- Memory (`free -h`):",
        "",
        "```",
        sh("free -h"),
        "```",
        "",
        f"- PostgreSQL: {sh('psql -h 127.0.0.1 -U postgres -tAc \"show server_version\"')}",
        f"- Python {platform.python_version()}, {platform.platform()}",
        "- Load average (1, 5, 15 min) when the run ended: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (other work on the machine lowers every figure, the ceiling too)",
    ])


def run_wrk(base: str, target: Target, args, duration: str, cookie: str | None = None,
            lines: Path | None = None, cpu: ServerCpu | None = None,
            path: str | None = None) -> Window:
    """One wrk window on `path` (the target's own URL when no line of `lines` names one)."""
    env = dict(os.environ)
    env.update({"BENCH_COOKIE": cookie or "", "BENCH_LINES": str(lines) if lines else "",
                "BENCH_METHOD": target.method, "BENCH_EXPECT": target.expect,
                "BENCH_THREADS": str(args.threads)})
    command = ["wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections),
               "-d", duration, "--timeout", "10s", "-s", str(ROOT / "bench/wrk.lua"),
               base + (path or target.path)]
    before = cpu.snapshot() if cpu else None
    output = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True,
                            check=True).stdout
    after = cpu.snapshot() if cpu else None
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    values = {k: int(v) for k, v in (item.split("=") for item in line.split()[1:])}
    window = Window(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
                    requests=values["requests"], ok=values["ok"], failed=values["failed"],
                    errors=values["errors"],
                    answers={k: values[k] for k in ("s2xx", "s3xx", "s4xx", "s5xx",
                                                    "s_other", "to_login") if values[k]})
    if window.requests:
        window.p50_ms, window.p95_ms = values["p50_us"] / 1000, values["p95_us"] / 1000
    if before and after and window.requests:
        total, app = ServerCpu.used_ms(before, after)
        window.cpu_ms, window.app_cpu_ms = total / window.requests, app / window.requests
    return window


def describe_answers(window: Window, target: Target) -> str:
    names = {"s2xx": "2xx", "s3xx": "3xx", "s4xx": "4xx", "s5xx": "5xx", "s_other": "other",
             "to_login": "of them to sign-in"}
    return ", ".join(f"{n} {names[k]}" for k, n in window.answers.items())


def write_lines(directory: Path, name: str, lines: list[str]) -> Path | None:
    if not lines:
        return None
    path = directory / (re.sub(r"[^a-z0-9]+", "-", name.lower()) + ".txt")
    path.write_text("\n".join(lines) + "\n")
    return path


def run_size(size: str, database: str, args, static_root: str) -> SizeRun:
    started = time.monotonic()
    env = server_env(PG + database, static_root)
    run = SizeRun(size, database)
    run.counts = table_counts(env)
    print(f"== {size}: {database} {run.counts}", flush=True)
    t = time.monotonic()
    info = probe(env, args.only)
    print(f"  (probe: {time.monotonic() - t:.0f} s)", flush=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port, args.workers)
    cpu = ServerCpu(server.pid, PG + database)
    scratch = Path(tempfile.mkdtemp(prefix="bench-lines-"))
    warm = "1s"
    try:
        run_wrk(base, CEILING, args, warm)  # every worker's first requests
        measured = 0
        for target in TARGETS:
            if target.ceiling or (args.only and target.name not in args.only):
                continue
            probed = info["targets"][target.name]
            result = Result(target.name, probed["path"], queries=probed["queries"])
            run.results[target.name] = result
            if probed["path"] is None:
                result.status = "missing (nothing to point it at yet)"
                print(f"  {target.name}: {result.status}", flush=True)
                continue
            cookie = info["cookies"].get(target.signed_in) if target.signed_in else None
            example = probed.get("example") or probed["path"]
            status, location = probed["status"], probed["location"]
            if target.method == "GET":
                # The real server, the first request as wrk sends it: a broken cookie shows
                # here as a redirect to sign in, and the target fails instead of measuring it.
                first = (probed["lines"] or [""])[0].split("\t")
                extra = first[2] if len(first) > 2 else ""
                status, _, headers = fetch(base + example, "; ".join(
                    c for c in (cookie, extra) if c) or None, (first + ["", "en"])[1] or "en")
                location = headers.get("Location", "")
            if status == 0:
                result.status = "failed: no answer within 40 s"
            elif status == 404:
                result.status = "missing (404)"
            elif not succeeded(target, status, location):
                result.status = f"failed: HTTP {status}" + (
                    f" to {location.split('?')[0]}" if location else "")
            if result.status != "missing":
                print(f"  {target.name}: {result.status}", flush=True)
                continue
            lines = write_lines(scratch, target.name, probed["lines"])
            warmup = write_lines(scratch, target.name + "-warmup", probed["warmup"])
            result.distinct = len(probed["lines"])
            # A short warm-up (other requests than the measured ones), the paired ceiling,
            # then the target.
            run_wrk(base, target, args, warm, cookie, warmup or lines, path=result.path)
            cpu.settle()  # what the warm-up left queued
            result.ceiling = run_wrk(base, CEILING, args, args.ceiling_duration, cpu=cpu)
            if not result.ceiling.requests:  # a stall (another process): once more
                time.sleep(2)
                result.ceiling = run_wrk(base, CEILING, args, args.ceiling_duration, cpu=cpu)
            duration = args.duration if target.headline else args.cached_duration
            result.window = window = run_wrk(base, target, args, duration, cookie, lines, cpu,
                                             path=result.path)
            result.status = "ok" if not window.failed else (
                f"failed: {window.failed} of {window.requests} answers not {target.expect} "
                f"({describe_answers(window, target)})")
            if result.distinct and window.requests > result.distinct:
                result.status += f" ({window.requests} requests, {result.distinct} distinct)"
            cpu.settle()  # the next target's warm-up starts on an idle server
            measured += 1
            if measured == 1:
                run.rss_before_mb = rss_mb(worker_pids(server.pid))
            print(f"  {target.name}: {window.rps:.0f} req/s (ceiling {result.ceiling.rps:.0f}, "
                  f"{fmt(result.ratio, '{:.2f}')}), {fmt(window.cpu_ms, '{:.1f}')} ms CPU, "
                  f"p95 {fmt(window.p95_ms, '{:.1f}')} ms, {result.queries} queries, "
                  f"{result.status}, {window.errors} errors/timeouts", flush=True)
            if target.method == "GET" and target.name in WEIGHED:
                html, total, foreign = weigh(base, example, cookie)
                if total:
                    run.weights[target.name] = (html, total)
                run.foreign_scripts += [f"{target.name}: {src}" for src in foreign]
        pids = worker_pids(server.pid)
        run.rss_after_mb, run.peak_rss_mb = rss_mb(pids), peak_rss_mb(pids)
        if info.get("capacity_sql") and REGISTRATION in run.results:
            run.overbooked = overbooked(env, info["capacity_sql"])
    finally:
        cpu.close()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    run.seconds = time.monotonic() - started
    return run


def fmt(value, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


def _cells(r: Result) -> str:
    w, c = r.window, r.ceiling
    cpu = fmt(w.cpu_ms, "{:.1f}") + (f" ({w.app_cpu_ms:.1f} app)" if w.app_cpu_ms else "")
    return (f"{fmt(w.rps, '{:.0f}')} | {fmt(c.rps, '{:.0f}')} | {fmt(r.ratio, '{:.2f}')} | "
            f"{cpu} | {fmt(c.cpu_ms, '{:.2f}')} | {fmt(w.p50_ms, '{:.1f}')} | "
            f"{fmt(w.p95_ms, '{:.1f}')} | {fmt(r.queries, '{}')}")


def _status(r: Result) -> str:
    extra = f" ({r.window.errors} errors/timeouts > 10 s)" if r.window.errors else ""
    return r.status + extra


def report(runs: list[SizeRun], args, wall: float) -> str:
    lines = [
        "# Performance",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `bench/run.py` "
        f"(wrk, {args.connections} connections, {args.threads} threads; {args.duration} per "
        f"headline target and {args.cached_duration} per cached one, each right after a "
        f"{args.ceiling_duration} ceiling window of its own; gunicorn, {args.workers} sync "
        "workers, production settings, PostgreSQL, persistent connections). The whole run "
        f"took {wall / 60:.1f} min. How to rerun: `bench/README.md`.",
        "",
        "How to read the tables: *req/s* is the target's throughput, *ceiling* the no-database "
        "view `/bench/ping` measured just before it (so both see the same load), *ratio* the "
        "one over the other. *CPU ms/req* is the server's CPU per request: the gunicorn "
        "workers plus the PostgreSQL backends of the database (in brackets the gunicorn part); "
        "*ceiling CPU* the same for the ceiling. A target counts only 2xx answers (3xx for a "
        "POST that redirects to what it made): anything else, a redirect to sign in included, "
        "makes it *failed*, never followed.",
        "",
        "## Machine",
        "",
        machine(),
        "",
    ]
    header = ("| page | status | req/s | ceiling req/s | ratio | CPU ms/req | ceiling CPU "
              "ms/req | p50 ms | p95 ms | queries |")
    rule = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for run in runs:
        cached_of = {t.cached_of: t.name for t in TARGETS if t.cached_of}
        lines += [f"## {run.size} size (`{run.database}`: "
                  + ", ".join(f"{v:,} {k}" for k, v in run.counts.items()) + ")", "",
                  "### Headline: every request a miss (crowds, signed-in pages, POSTs)", "",
                  header + " cached (one URL): req/s, ratio |", rule + "---:|"]
        for r in run.results.values():
            target = next(t for t in TARGETS if t.name == r.name)
            if not target.headline:
                continue
            cached = run.results.get(cached_of.get(r.name, ""))
            second = (f"{cached.window.rps:.0f}, {fmt(cached.ratio, '{:.2f}')}"
                      if cached and cached.window.rps else "–")
            lines.append(f"| {r.name} | {_status(r)} | {_cells(r)} | {second} |")
        lines += ["", "### Second column: one repeated URL (public pages from the workers' "
                  "caches)", "", header, rule]
        for r in run.results.values():
            target = next(t for t in TARGETS if t.name == r.name)
            if not target.headline:
                lines.append(f"| {r.name} (`{r.path or '–'}`) | {_status(r)} | {_cells(r)} |")
        lines += ["", "- Worker memory (largest VmRSS of a gunicorn worker): "
                  f"{fmt(run.rss_before_mb, '{:.0f}')} MB after the first target, "
                  f"{fmt(run.rss_after_mb, '{:.0f}')} MB after the last; peak (VmHWM) "
                  f"{fmt(run.peak_rss_mb, '{:.0f}')} MB",
                  f"- This size took {run.seconds / 60:.1f} min (probe, server, every window)"]
        for name, (html, total) in run.weights.items():
            lines.append(f"- Page weight, {name}: {total / 1024:.1f} KB compressed "
                         f"(HTML {html / 1024:.1f} KB + same-origin CSS/JS)")
        lines.append("- Scripts from other hosts: "
                     + (", ".join(run.foreign_scripts) if run.foreign_scripts else "none"))
        if run.overbooked is not None:
            lines.append(f"- Sessions over capacity after the registration run: {run.overbooked}")
        lines.append("")
    lines += ["## Targets", ""] + targets_met(runs)
    return "\n".join(lines) + "\n"


def targets_met(runs: list[SizeRun]) -> list[str]:
    by_size = {run.size: run for run in runs}
    full, small = by_size.get("full"), by_size.get("small")
    main = full or small
    out = []

    def line(ok: bool | None, text: str) -> None:
        mark = "met" if ok else ("not measured" if ok is None else "**NOT met**")
        out.append(f"- {mark}: {text}")

    if full is None:
        out.append("- (the full size was not run: every target below is judged at the small "
                   "size only)")
    for target in (t for t in TARGETS if not t.ceiling):
        name = target.name
        r = main.results.get(name) if main else None
        if r is None or r.queries is None or r.window.rps is None:
            line(None if r is None or not r.failed else False,
                 f"{name}: {r.status if r else 'not run'}")
            continue
        other = small.results.get(name) if small and full else None
        if r.failed:
            line(False, f"{name}: {r.status}")
        constant = other is None or other.queries is None or other.queries == r.queries
        # A POST writes (a lock, a row, a version): judged on not growing with the data.
        line(constant and (target.method == "POST" or r.queries <= MAX_QUERIES),
             f"{name}: {r.queries} queries ("
             + ("the same at both sizes" if target.method == "POST" else f"at most {MAX_QUERIES}")
             + (f", {other.queries} at 1/100" if other and other.queries is not None else "")
             + ")")
        share = POST_SHARE if target.method == "POST" else GET_SHARE
        if r.ratio is not None:
            line(r.ratio >= share, f"{name}: {r.ratio:.2f} of its paired ceiling "
                 f"(at least {share:.2f}; {r.window.rps:.0f} against {r.ceiling.rps:.0f} "
                 "req/s)")
        if target.headline and other and other.window.p95_ms and r.window.p95_ms:
            line(r.window.p95_ms <= P95_GROWTH * other.window.p95_ms,
                 f"{name}: p95 {r.window.p95_ms:.1f} ms at full size, "
                 f"{other.window.p95_ms:.1f} ms at 1/100 (at most {P95_GROWTH}x)")
    me = next((t.name for t in TARGETS if t.path == "/me/"), None)
    mf = full.results.get(me) if full and me else None
    ms = small.results.get(me) if small and me else None
    if mf and ms and mf.window.cpu_ms and ms.window.cpu_ms:
        line(mf.window.cpu_ms <= P95_GROWTH * ms.window.cpu_ms,
             f"/me/ CPU per request at full size within {P95_GROWTH}x of 1/100: "
             f"{mf.window.cpu_ms:.1f} ms against {ms.window.cpu_ms:.1f} ms")
    for run in runs:
        if run.rss_before_mb and run.rss_after_mb:
            line(run.rss_after_mb <= RSS_GROWTH * run.rss_before_mb,
                 f"worker memory flat through the {run.size} run: {run.rss_before_mb:.0f} MB "
                 f"after the first target, {run.rss_after_mb:.0f} MB after the last "
                 f"(at most {RSS_GROWTH}x)")
    if full and small and full.rss_after_mb and small.rss_after_mb:
        line(full.rss_after_mb <= RSS_GROWTH * small.rss_after_mb,
             f"worker memory does not grow with the data: {full.rss_after_mb:.0f} MB at full "
             f"size, {small.rss_after_mb:.0f} MB at 1/100 (at most {RSS_GROWTH}x)")
    search = main.results.get(SEARCH) if main else None
    line(search.window.p95_ms < 50 if search and search.window.p95_ms else None,
         "directory search by place (cached) under 50 ms at p95 under load"
         + (f": {search.window.p95_ms:.1f} ms" if search and search.window.p95_ms else ""))
    weight = main.weights.get("directory") if main else None
    line(weight[1] < 60 * 1024 if weight else None,
         "directory page under 60 KB compressed"
         + (f": {weight[1] / 1024:.1f} KB" if weight else ""))
    line(not any(run.foreign_scripts for run in runs), "no page loads a script from another host")
    line(None if main is None or main.overbooked is None else main.overbooked == 0,
         "registration POST holds capacity (no session over capacity after the run)")
    return out


GENERATED = re.compile(r"## (Machine|Targets|\w+ size \()")


def kept_sections(previous: str) -> str:
    """The previous file's hand-written `## ` sections (what the figures mean, where the time
    goes, other benchmarks' figures, what to fix), which survive reruns: every one but those
    this script writes."""
    sections = re.split(r"\n(?=## )", previous)[1:]
    kept = [section.rstrip("\n") for section in sections if not GENERATED.match(section)]
    return "".join("\n" + section + "\n" for section in kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,full")
    parser.add_argument("--small-db", default="twc_bench_small")
    parser.add_argument("--full-db", default="twc_bench")
    parser.add_argument("--duration", default="8s", help="per headline target")
    parser.add_argument("--cached-duration", default="4s", help="per cached (one URL) target")
    parser.add_argument("--ceiling-duration", default="4s",
                        help="the ceiling window run right before each target")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    # Sync workers, 2 x cores + 1 (gunicorn's advice): a worker waiting on PostgreSQL leaves
    # the core to another.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--only", nargs="*", help="target names (the ceiling always runs)")
    parser.add_argument("--out", default=str(ROOT / "docs/performance.md"))
    parser.add_argument("--json", help="also write the figures as JSON here")
    args = parser.parse_args()
    require_wrk()
    # Stopped (Ctrl-C, or SIGTERM also when started in the background, where SIGINT is
    # ignored): the `finally` blocks stop gunicorn and remove the temporary files.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench/run.py: stopped"))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        collectstatic(server_env(PG + args.small_db, static_root))
        runs = []
        for size in args.sizes.split(","):
            database = args.full_db if size == "full" else args.small_db
            runs.append(run_size(size, database, args, static_root))
    wall = time.monotonic() - started
    text = report(runs, args, wall)
    out = Path(args.out)
    previous = out.read_text() if out.exists() else ""
    out.write_text(text + kept_sections(previous))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"wall_seconds": wall, "load": os.getloadavg(),
             "runs": [{**asdict(run), "results": {
                 k: {**asdict(r), "ratio": r.ratio} for k, r in run.results.items()}}
                 for run in runs]}, indent=1))
    print(text)
    print(f"whole run: {wall / 60:.1f} min")


if __name__ == "__main__":
    main()
