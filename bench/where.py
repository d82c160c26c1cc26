"""Where a page's time goes: one page, many requests, in this process, under cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twc_bench \
        uv run python bench/where.py /chapters/ --requests 200 [--organizer | --admin | --person]
        uv run python bench/where.py --crowd search --cold      # a different city and language
                                                                # every request (bench/targets.py)
        uv run python bench/where.py --post registration        # the benchmark's POST, a fresh
                                                                # person every request (writes!)

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


def production_settings() -> None:
    """Django set up with the benchmark's production settings (`DEBUG` off, a persistent
    connection), in this process, for the database in `DATABASE_URL`."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/",
                        help="the page ({chapter}, {session} as in bench/targets.py)")
    parser.add_argument("--crowd", choices=["search", "chapters", "sessions", "api"],
                        help="a different request every time, as the benchmark's crowd rows "
                        "send them (URL, Accept-Language, tz cookie); the path is ignored")
    parser.add_argument("--post", choices=["registration", "join"],
                        help="the benchmark's POST target (bench/targets.py), each request "
                        "with a fresh person made beforehand as bench/probe.py makes them; the "
                        "path is ignored. It WRITES: use a copy of a bench database")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--organizer", action="store_true", help="signed in as the organizer")
    parser.add_argument("--admin", action="store_true", help="signed in as the Global admin")
    parser.add_argument("--person", action="store_true",
                        help="signed in as a seeded person with registrations (/me/)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--language", default="en", help="Accept-Language")
    parser.add_argument("--sql", action="store_true", help="print each query and its time")
    parser.add_argument("--breakdown", action="store_true",
                        help="also the profile's own time (tottime) by kind of work: templates, "
                        "ORM, database driver and wait, forms, translation, URLs, ...")
    parser.add_argument("--cold", action="store_true",
                        help="empty the cache of public pages before every request")
    args = parser.parse_args()

    production_settings()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from urllib.parse import unquote

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from bench.probe import (
        crowd_lines,
        csrf_pair,
        join_requests,
        line,
        organizer_cookie,
        parse_line,
        person_with_registrations,
        placeholders,
        registration_requests,
    )
    from bench.seed import ADMIN_ID

    values = placeholders()
    path = args.path.format(**{k: v for k, v in values.items() if v})
    cookie = (organizer_cookie(ADMIN_ID) if args.admin
              else organizer_cookie(person_with_registrations()) if args.person
              else organizer_cookie() if args.organizer else "")
    # One request per line: (path, language, cookie); a crowd never repeats one.
    crowd = ([parse_line(line)[:3] for line in crowd_lines(args.crowd, 3 * args.requests + 10)]
             if args.crowd else [])
    body_of: list[str] = []
    if args.post:
        # One fresh person per request: 5 warm-up, 1 counted, 2 x requests (profiled, timed).
        count, (csrf_cookie, csrf_token) = 2 * args.requests + 6, csrf_pair()
        if args.post == "registration":
            path = f"/sessions/{values['session']}/check-email/"
            lines = [line(None, "en", csrf_cookie, f"{b}&csrfmiddlewaretoken={csrf_token}")
                     for b in registration_requests(values["session"], count)]
        else:
            path = f"/chapters/{values['join_chapter']}/join/"
            lines = join_requests(values["join_chapter"], count, csrf_cookie, csrf_token)
        crowd = [(path, language, cookie) for _, language, cookie, _ in map(parse_line, lines)]
        body_of = [parse_line(text)[3] for text in lines]
    handler = WSGIHandler()
    sent = [0]

    from core import pagecache

    def request() -> int:
        if args.cold:
            pagecache.forget()
        url, language, extra = path, args.language, ""
        if crowd:
            url, language, extra = crowd[sent[0] % len(crowd)]
        sent[0] += 1
        body = body_of[(sent[0] - 1) % len(body_of)].encode() if body_of else b""
        path_info, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "POST" if body_of else "GET", "PATH_INFO": unquote(path_info),
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
            "HTTP_ACCEPT_LANGUAGE": language, "HTTP_ACCEPT_ENCODING": "gzip",
            "HTTP_COOKIE": "; ".join(c for c in (cookie, extra) if c),
        }
        status, headers = [], []
        answer = handler(environ, lambda s, h, exc_info=None: (status.append(s),
                                                                 headers.append(h)))
        size = sum(len(chunk) for chunk in answer)
        if hasattr(answer, "close"):
            answer.close()
        if args.post:  # success is the redirect to what it made, never to sign in
            location = dict(headers[0]).get("Location", "") if headers else ""
            if not status[0].startswith("3") or "/accounts/" in location:
                sys.exit(f"POST {url} answered {status[0]} {location}")
        elif not status[0].startswith("200"):  # a redirect (to sign in) is not the page
            sys.exit(f"{url} answered {status[0]}")
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
    what = (f"POST {path} ({args.post}, a fresh person each)" if args.post
            else f"crowd {args.crowd} (e.g. {crowd[0][0]})" if crowd else path)
    print(f"{what}: {size} bytes, {len(timings)} queries ({sql_ms:.1f} ms of SQL), "
          f"{elapsed:.2f} ms per request under the profiler")
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        request()
    print(f"without the profiler: {(time.perf_counter() - started) / args.requests * 1000:.2f} "
          f"ms per request, {(time.process_time() - cpu) / args.requests * 1000:.2f} ms of it "
          f"on this process's CPU")
    stats = pstats.Stats(profiler)
    if args.breakdown:
        print(breakdown(stats, args.requests))
    stats.sort_stats(args.sort).print_stats(args.top)


KINDS = [  # (kind, substrings of the function's file or name), first match wins
    ("database (driver, socket, wait)", ("psycopg", "sqlite3", "socket", "select.",
                                         "method 'poll'", "method 'recv")),
    ("ORM (queries built, rows to objects)", ("django/db/",)),
    ("templates", ("django/template/", "django/templatetags/", "/templatetags/")),
    ("forms and widgets", ("django/forms/",)),
    ("translation", ("django/utils/translation", "gettext", "babel/")),
    ("URL reversing and resolving", ("django/urls/",)),
    ("sessions, auth, middleware", ("django/contrib/sessions", "django/contrib/auth",
                                    "allauth/", "django/middleware", "/middleware.py",
                                    "django/core/signing", "hashlib", "hmac")),
    ("the app's own code", (str(ROOT) + "/",)),
]


OTHER = "other (Django's handler, the standard library, ...)"


def _kind(func: tuple) -> str | None:
    filename, _line, name = func
    where = f"{filename}:{name}"
    if filename == "~" and not any(m in where for m in KINDS[0][1]):
        return None  # a builtin: counted where it was called from
    return next((k for k, marks in KINDS if any(m in where for m in marks)
                 and (k != "the app's own code" or "/.venv/" not in where)), OTHER)


def breakdown(stats: pstats.Stats, requests: int) -> str:
    """Own time per kind of work, ms per request and share, largest first. A builtin's time
    (str.replace, isinstance, ...) goes to the kind of whoever called it."""
    totals: dict[str, float] = {}
    for func, (_cc, _nc, tottime, _ct, callers) in stats.stats.items():
        kind = _kind(func)
        if kind is not None:
            totals[kind] = totals.get(kind, 0.0) + tottime
            continue
        for caller, entry in callers.items():
            caller_kind = _kind(caller) or OTHER
            totals[caller_kind] = totals.get(caller_kind, 0.0) + entry[2]
    whole = sum(totals.values()) or 1.0
    rows = sorted(totals.items(), key=lambda item: -item[1])
    return "\n".join(["own time by kind (ms per request under the profiler, share):"] + [
        f"  {kind:<40} {seconds / requests * 1000:7.2f} ms {seconds / whole:6.0%}"
        for kind, seconds in rows])


if __name__ == "__main__":
    main()
