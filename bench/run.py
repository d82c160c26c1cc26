"""Serve the app as in production and drive it with wrk; write docs/performance.md.

    uv run python bench/run.py                      # small and full sizes, 15 s per target
    uv run python bench/run.py --sizes small --duration 5s

Each size is its own database, seeded beforehand by bench/seed.py (see bench/README.md).
"""

from __future__ import annotations

import argparse
import gzip
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
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.targets import REGISTRATION, SEARCH, TARGETS, WEIGHED  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432/"
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdef"
# The seeder encrypts the demo TOTP secret with this key too (bench/seed.py).
MFA_ENCRYPTION_KEY = "YmVuY2gtb25seS1tZmEta2V5LW5vdC1mb3ItcHJvZDA="
MAX_QUERIES = 10


@dataclass
class Result:
    name: str
    path: str | None
    status: str = "missing"
    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    non2xx: int = 0
    errors: int = 0


@dataclass
class SizeRun:
    size: str
    database: str
    results: dict[str, Result] = field(default_factory=dict)
    peak_rss_mb: float | None = None
    weights: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: (html, total)
    foreign_scripts: list[str] = field(default_factory=list)
    overbooked: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


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


def probe(env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "bench/probe.py"], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return json.loads(out.stdout)


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "twc.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
         "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ping", timeout=30)
            time.sleep(2)  # let every worker finish booting
            return process
        except OSError:
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


def peak_rss_mb(pids: list[int]) -> float | None:
    """The largest peak resident memory (VmHWM) among the workers."""
    peaks = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return max(peaks) if peaks else None


def fetch(url: str, cookie: str | None = None) -> tuple[int, bytes, dict[str, str]]:
    headers = {"Accept-Encoding": "gzip"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=40) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)
    except OSError:  # no answer in time (gunicorn kills a worker after 30 s)
        return 0, b"", {}


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


def run_wrk(base: str, path: str, args, cookie: str | None, bodies: Path | None,
            offset: int = 0, uncached: bool = False) -> dict:
    env = dict(os.environ)
    env["BENCH_COOKIE"] = cookie or ""
    env["BENCH_UNIQUE"] = "1" if uncached else ""
    env["BENCH_OFFSET"] = str(offset)
    if bodies:
        env["BENCH_BODIES"] = str(bodies)
    command = ["wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections),
               "-d", args.duration, "--timeout", "10s", "-s", str(ROOT / "bench/wrk.lua"),
               base + path]
    output = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    values = dict(item.split("=") for item in line.split()[1:])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    answered = int(values["requests"]) > 0
    return {"rps": rps, "p50_ms": int(values["p50_us"]) / 1000 if answered else None,
            "p95_ms": int(values["p95_us"]) / 1000 if answered else None,
            "non2xx": int(values["non2xx"]), "errors": int(values["errors"])}


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


def run_size(size: str, database: str, args, static_root: str) -> SizeRun:
    env = server_env(PG + database, static_root)
    run = SizeRun(size, database)
    run.counts = table_counts(env)
    print(f"== {size}: {database} {run.counts}", flush=True)
    info = probe(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port, args.workers)
    bodies_file = None
    try:
        if info["registration_bodies"]:
            bodies_file = Path(tempfile.mkstemp(suffix=".txt")[1])
            bodies_file.write_text("\n".join(info["registration_bodies"]) + "\n")
        for target in TARGETS:
            if args.only and target.name not in args.only and not target.ceiling:
                continue
            probed = info["targets"][target.name]
            result = Result(target.name, probed["path"], queries=probed["queries"])
            run.results[target.name] = result
            if probed["path"] is None:
                result.status = "missing (nothing to point it at yet)"
                print(f"  {target.name}: {result.status}", flush=True)
                continue
            cookie = (info["admin_cookie"] if target.signed_in == "admin"
                      else info["organizer_cookie"] if target.signed_in else None)
            if target.method == "POST":
                cookie = info["csrf_cookie"]
            status, _, _ = fetch(base + probed["path"], cookie) if target.method == "GET" else (
                probed["status"], b"", {})
            if status == 0:
                result.status = "no answer within 40 s"
                print(f"  {target.name}: {result.status}", flush=True)
                continue
            if status == 404 or probed["status"] == 404:
                result.status = "missing (404)"
                print(f"  {target.name}: {result.status}", flush=True)
                continue
            if status >= 400:
                result.status = f"HTTP {status}"
                print(f"  {target.name}: {result.status}", flush=True)
                continue
            result.status = "ok" if status < 300 else f"HTTP {status}"
            bodies = bodies_file if target.method == "POST" else None
            # A short warm-up first: workers' first requests fill caches and connections.
            run_wrk(base, probed["path"], argparse.Namespace(**{**vars(args), "duration": "1s"}),
                    cookie, bodies, offset=10000, uncached=target.uncached)
            measured = run_wrk(base, probed["path"], args, cookie, bodies,
                               uncached=target.uncached)
            for key, value in measured.items():
                setattr(result, key, value)
            print(f"  {target.name}: {result.rps:.0f} req/s p50 {fmt(result.p50_ms, '{:.1f}')} "
                  f"ms p95 {fmt(result.p95_ms, '{:.1f}')} ms, {result.queries} queries, "
                  f"{result.errors} errors (timeouts included)", flush=True)
            if target.method == "GET":
                html, total, foreign = weigh(base, probed["path"], cookie)
                if target.name in WEIGHED and total:
                    run.weights[target.name] = (html, total)
                run.foreign_scripts += [f"{target.name}: {src}" for src in foreign]
        run.peak_rss_mb = peak_rss_mb(worker_pids(server.pid))
        if info.get("capacity_sql"):
            run.overbooked = overbooked(env, info["capacity_sql"])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if bodies_file:
            bodies_file.unlink()
    return run


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


def fmt(value, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


def report(runs: list[SizeRun], args) -> str:
    lines = [
        "# Performance",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `bench/run.py` "
        f"(wrk, {args.connections} connections, {args.threads} threads, {args.duration} per "
        f"target; gunicorn, {args.workers} sync workers, production settings, PostgreSQL, "
        "persistent connections). How to rerun: `bench/README.md`.",
        "",
        "## Machine",
        "",
        machine(),
        "",
    ]
    for run in runs:
        ceiling = next((r.rps for r in run.results.values()
                        if r.name == TARGETS[0].name and r.rps), None)
        lines += [f"## {run.size} size (`{run.database}`: "
                  + ", ".join(f"{v:,} {k}" for k, v in run.counts.items()) + ")", "",
                  "| page | URL | status | req/s | p50 ms | p95 ms | / ceiling | queries |",
                  "|---|---|---|---:|---:|---:|---:|---:|"]
        for r in run.results.values():
            ratio = r.rps / ceiling if r.rps and ceiling else None
            extra = f" ({r.non2xx} non-2xx)" if r.non2xx else ""
            extra += f" ({r.errors} errors/timeouts > 10 s)" if r.errors else ""
            lines.append(f"| {r.name} | `{r.path or '–'}` | {r.status}{extra} | "
                         f"{fmt(r.rps, '{:.0f}')} | {fmt(r.p50_ms, '{:.1f}')} | "
                         f"{fmt(r.p95_ms, '{:.1f}')} | {fmt(ratio, '{:.2f}')} | "
                         f"{fmt(r.queries, '{}')} |")
        lines += ["", f"- Peak resident memory of a gunicorn worker (VmHWM): "
                  f"{fmt(run.peak_rss_mb, '{:.0f}')} MB"]
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
    for name in (t.name for t in TARGETS if not t.ceiling and not t.uncached):
        r = main.results.get(name) if main else None
        if r is None or r.queries is None or r.rps is None:
            line(None, f"{name}: not available yet ({r.status if r else 'not run'})")
            continue
        other = small.results.get(name) if small and full else None
        constant = other is None or other.queries is None or other.queries == r.queries
        line(r.queries <= MAX_QUERIES and constant,
             f"{name}: {r.queries} queries (at most {MAX_QUERIES}"
             + (f", {other.queries} at 1/100" if other and other.queries is not None else "")
             + ")")
        ceiling = main.results.get(TARGETS[0].name)
        if ceiling and ceiling.rps and r.name != REGISTRATION:
            line(r.rps >= ceiling.rps / 3,
                 f"{name}: {r.rps / ceiling.rps:.2f} of the ceiling's throughput (at least 0.33)")
        if other and other.p95_ms and r.p95_ms and r.name != REGISTRATION:
            line(r.p95_ms <= 1.5 * other.p95_ms,
                 f"{name}: p95 {r.p95_ms:.1f} ms at full size, {other.p95_ms:.1f} ms at 1/100 "
                 "(at most 1.5x)")
    search = main.results.get(SEARCH) if main else None
    line(search.p95_ms < 50 if search and search.p95_ms else None,
         f"directory search by place under 50 ms at p95 under load"
         + (f": {search.p95_ms:.1f} ms" if search and search.p95_ms else ""))
    for target in (t for t in TARGETS if t.uncached):
        r = main.results.get(target.name) if main else None
        if r and r.p95_ms:
            out.append(f"- (not a target) {target.name}, every request rendered afresh: "
                       f"p50 {r.p50_ms:.1f} ms, p95 {r.p95_ms:.1f} ms, "
                       f"{r.queries} queries")
    weight = main.weights.get("directory") if main else None
    line(weight[1] < 60 * 1024 if weight else None,
         "directory page under 60 KB compressed"
         + (f": {weight[1] / 1024:.1f} KB" if weight else ""))
    line(not any(run.foreign_scripts for run in runs), "no page loads a script from another host")
    line(None if main is None or main.overbooked is None else main.overbooked == 0,
         "registration POST holds capacity (no session over capacity after the run)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,full")
    parser.add_argument("--small-db", default="twc_bench_small")
    parser.add_argument("--full-db", default="twc_bench")
    parser.add_argument("--duration", default="15s")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    # Sync workers, 2 x cores + 1 (gunicorn's advice): a worker waiting on PostgreSQL leaves
    # the core to another.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--only", nargs="*", help="target names (the ceiling always runs)")
    parser.add_argument("--out", default=str(ROOT / "docs/performance.md"))
    args = parser.parse_args()
    require_wrk()
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        collectstatic(server_env(PG + args.small_db, static_root))
        runs = []
        for size in args.sizes.split(","):
            database = args.full_db if size == "full" else args.small_db
            runs.append(run_size(size, database, args, static_root))
    text = report(runs, args)
    out = Path(args.out)
    # A hand-written "## Notes" section (what the figures mean, what to fix) survives reruns.
    previous = out.read_text() if out.exists() else ""
    if "\n## Notes" in previous:
        text += "\n## Notes" + previous.split("\n## Notes", 1)[1]
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
