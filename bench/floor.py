"""The floor under every target: what the request itself, one query and one card cost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twc_bench uv run python bench/floor.py

Issue 21 asks every page on a cache miss for a third of the ceiling (`/bench/ping`). This
measures, in this process with the benchmark's production settings, the parts every page is
built of, each as CPU per request (this process's CPU plus the PostgreSQL backend's, read from
`/proc` of the backend serving this connection, on the same machine):

- the ceiling: `/bench/ping` through Django's WSGI handler, anonymous and signed in (the session
  row read, the user and the second-factor state as a signed-in page loads them);
- one ORM query of the kind the pages make (a chapter by its primary key, as a model; the same
  as `values()`; a 20-row list), and one raw `SELECT 1` through the driver;
- the directory's result card rendered once (the partial a search repeats).

It prints the budget a third of the ceiling leaves, how many queries fit in it, and a Markdown
table for `docs/performance.md`. Not a test and not a load run.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.where import production_settings  # noqa: E402

ROUNDS = 2000


def backend_cpu(pid: int) -> float:
    """Seconds of CPU the PostgreSQL backend `pid` has used (utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    production_settings()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.template.loader import get_template

    from bench.probe import organizer_cookie
    from chapters.models import Chapter

    handler = WSGIHandler()

    def ping(cookie: str = "") -> None:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": "/bench/ping", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
            "HTTP_ACCEPT_LANGUAGE": "de", "HTTP_COOKIE": cookie,
        }
        answer = handler(environ, lambda s, h, exc_info=None: None)
        b"".join(answer)
        answer.close()

    cookie = organizer_cookie()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql"
                       else "SELECT 0")
        backend = cursor.fetchone()[0]
    chapters = list(Chapter.objects.order_by("pk")[:ROUNDS])
    card = get_template("chapters/includes/results.html#chapter_card")

    def by_pk(i: int) -> None:
        Chapter.objects.get(pk=chapters[i % len(chapters)].pk)

    def values_by_pk(i: int) -> None:
        list(Chapter.objects.filter(pk=chapters[i % len(chapters)].pk)
             .values("pk", "name", "slug"))

    def twenty(i: int) -> None:
        list(Chapter.objects.filter(pk__gte=chapters[i % len(chapters)].pk)
             .order_by("pk")[:20])

    def select_one(i: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    def one_card(i: int) -> None:
        card.render({"chapter": chapters[i % len(chapters)], "km": 12.5})

    parts = [
        ("the ceiling: `/bench/ping` through the handler, anonymous", lambda i: ping()),
        ("`/bench/ping` signed in (session cookie sent)", lambda i: ping(cookie)),
        ("`SELECT 1` through the driver (a cursor, one round trip)", select_one),
        ("one chapter by primary key, as a model (`.get(pk=...)`)", by_pk),
        ("one chapter by primary key, `values()` of 3 columns", values_by_pk),
        ("20 chapters as models (`[:20]`)", twenty),
        ("one result card rendered (`chapter_card.html`)", one_card),
    ]
    rows = []
    for name, work in parts:
        for i in range(50):  # warm up
            work(i)
        wall, cpu = time.perf_counter(), time.process_time()
        server = backend_cpu(backend) if connection.vendor == "postgresql" else 0.0
        for i in range(ROUNDS):
            work(i)
        server = (backend_cpu(backend) - server) if connection.vendor == "postgresql" else 0.0
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
        rows.append((name, wall / ROUNDS * 1000, cpu / ROUNDS * 1000,
                     server / ROUNDS * 1000))
    print("| part | wall ms | this process's CPU ms | PostgreSQL backend CPU ms | CPU ms in all |")
    print("|---|---:|---:|---:|---:|")
    for name, wall, cpu, server in rows:
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {server:.3f} | {cpu + server:.3f} |")
    ceiling = rows[0][2] + rows[0][3]
    budget = 3 * ceiling
    query = rows[3][2] + rows[3][3]
    print()
    print(f"A third of the ceiling leaves {budget:.2f} ms of CPU per request (3 x {ceiling:.2f}); "
          f"{budget - ceiling:.2f} ms beyond the request itself, room for "
          f"{(budget - ceiling) / query:.1f} queries by primary key and nothing else "
          f"({query:.3f} ms each), or {(budget - ceiling) / (rows[6][2] or 1):.0f} result cards.")


if __name__ == "__main__":
    main()
