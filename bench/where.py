"""Where a page's time goes: one page, many requests, in this process, under cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twc_bench \
        uv run python bench/where.py /chapters/ --requests 200 [--organizer | --admin] [--top 30]

The request runs through Django's WSGI handler with the benchmark's production settings
(`DEBUG` off, persistent connection), as gunicorn would call it, without the network. It
prints the mean wall time per request, the SQL time among it, and the functions with the
most cumulative time. Not a test and not a load run: `bench/run.py` is the measurement.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--organizer", action="store_true", help="signed in as the organizer")
    parser.add_argument("--admin", action="store_true", help="signed in as the Global admin")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--language", default="en", help="Accept-Language")
    parser.add_argument("--sql", action="store_true", help="print each query and its time")
    parser.add_argument("--cold", action="store_true",
                        help="empty the cache of public pages before every request")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("SECRET_KEY", "bench-profile-" + "x" * 40)
    os.environ.setdefault("MFA_ENCRYPTION_KEY", "YmVuY2gtb25seS1tZmEta2V5LW5vdC1mb3ItcHJvZDA=")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_CONN_MAX_AGE", "600")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("BENCH_STATIC_ROOT", "/tmp/twc-bench-static")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from bench.probe import organizer_cookie, placeholders
    from bench.seed import ADMIN_ID

    path = args.path.format(**{k: v for k, v in placeholders().items() if v})
    cookie = (organizer_cookie(ADMIN_ID) if args.admin
              else organizer_cookie() if args.organizer else "")
    path_info, _, query = path.partition("?")
    handler = WSGIHandler()

    from chapters import pagecache

    def request() -> int:
        if args.cold:
            pagecache.forget()
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path_info, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
            "HTTP_ACCEPT_LANGUAGE": args.language, "HTTP_ACCEPT_ENCODING": "gzip",
            "HTTP_COOKIE": cookie,
        }
        status = []
        body = handler(environ, lambda s, h, exc_info=None: status.append(s))
        size = sum(len(chunk) for chunk in body)
        if hasattr(body, "close"):
            body.close()
        if not status[0].startswith("200"):
            sys.exit(f"{path} answered {status[0]}")
        return size

    for _ in range(5):  # warm up: imports, template loaders, connection
        size = request()
    timings = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - started)
            if args.sql:
                print(f"  {timings[-1] * 1000:7.2f} ms  {sql[:150]}")

    with connection.execute_wrapper(timed):
        request()
    sql_ms = sum(timings) * 1000
    started = time.perf_counter()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        request()
    profiler.disable()
    elapsed = (time.perf_counter() - started) / args.requests * 1000
    print(f"{path}: {size} bytes, {len(timings)} queries ({sql_ms:.1f} ms of SQL), "
          f"{elapsed:.2f} ms per request under the profiler")
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        request()
    print(f"without the profiler: {(time.perf_counter() - started) / args.requests * 1000:.2f} "
          f"ms per request, {(time.process_time() - cpu) / args.requests * 1000:.2f} ms of it "
          f"on this process's CPU")
    stats = pstats.Stats(profiler)
    stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
