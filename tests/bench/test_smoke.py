"""The benchmark in miniature: the seeder's own code paths at two tiny sizes, the query count
of every target the benchmark drives (crowds, signed-in pages, POSTs), which must not grow
with the data, and the harness's accounting of answers: a target that answers anything but
what it should (a broken cookie's redirect to sign in) is reported failed, never measured.

The real benchmark (bench/run.py) is not a test and never runs in CI.
"""

import argparse
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from django.db import transaction

from bench import probe, run, seed
from bench.targets import JOIN, REGISTRATION, TARGETS, Target

# Marked so pytest-django creates the test database the module fixture seeds.
pytestmark = pytest.mark.django_db

TINY, LESS_TINY = 0.0002, 0.0005  # a few hundred rows, then about twice as many
MEASURED = [t for t in TARGETS if not t.ceiling]
REVIEW_QUEUE = next(t for t in TARGETS if t.path == "/chapters/{chapter}/requests/")
# Rows over the budget of 10 queries on the code this harness was written against (issue 21
# is fixing them): each still must not grow with the data. Drop an entry once its page is
# within budget (it then has no effect: the page is held to 10 like the others).
OVER_BUDGET: dict[str, str] = {}
# Rows whose count issue 21 lowered, pinned exactly so a query that comes back shows here.
PINNED = {
    # The same queries whether chapters are near or not (chapters/search.py: local_shown).
    "search: 2,000 cities x 5 languages": 9,
    "API: 2,000 cities": 5,  # the page of chapters as values, one query
    "/me/ (person with registrations)": 8,  # the desk takes the page's memberships
    "network health (admin)": 8,  # no COUNT, no totals: kept groups (here, + the versions)
    "network library (admin)": 5,
}


def _measure(scale: float) -> dict[str, dict]:
    timings = seed.run(scale, verbose=False)
    # The probe bench/run.py runs, with a handful of requests per crowd and POST.
    built = probe.build(crowd_count=4, post_count=2, join_count=2)
    out = {"_rows": timings["(total)"][0], "_built": built}
    # The member list's order: every seeded membership holds its person's name (the COPY
    # on PostgreSQL skips the triggers that would set it).
    from django.db.models import F

    from members.models import Membership
    out["_names"] = (Membership.objects.filter(user__isnull=False).count(),
                     Membership.objects.filter(user__isnull=False)
                     .exclude(sort_name=F("user__display_name")).count())
    out.update(built["targets"])
    # A broken organizer cookie: the page must not answer as if signed in.
    values = built["placeholders"]
    path = probe.target_path(REVIEW_QUEUE, values)
    out["_broken"] = probe.count_queries(path, "__Host-sessionid=broken-cookie-0123456789")
    out["_languages"] = {kind: {probe.parse_line(line)[1] for line in probe.crowd_lines(kind, 50)}
                         for kind in {t.crowd for t in MEASURED if t.crowd}}
    return out


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Seed, measure, seed bigger, measure; all rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        results = (_measure(TINY), _measure(LESS_TINY))
        transaction.set_rollback(True)
    return results


def test_seeder_writes_more_rows_at_a_bigger_scale(measured):
    small, bigger = measured
    assert 200 < small["_rows"] < bigger["_rows"]


def test_seeded_memberships_hold_their_persons_name(measured):
    for m in measured:
        with_person, stale = m["_names"]
        assert with_person > 0 and stale == 0, m["_names"]


@pytest.mark.parametrize("name", [t.name for t in MEASURED])
def test_benchmark_target_makes_the_same_few_queries_at_both_sizes(measured, name):
    target = next(t for t in MEASURED if t.name == name)
    small, bigger = (m[name] for m in measured)
    if small["path"] is None:
        pytest.skip(f"{name}: nothing to point it at yet (its data is not seeded yet)")
    if small["status"] == 404:
        pytest.skip(f"{name}: {small['path']} does not exist yet (404)")
    assert small["ok"] and bigger["ok"], (small, bigger)
    assert small["queries"] == bigger["queries"], (small, bigger)
    if target.method == "GET":
        if name in OVER_BUDGET and small["queries"] > 10:
            pytest.xfail(f"{name}: {OVER_BUDGET[name]}")
        assert small["queries"] <= 10, small


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_targets_make_exactly_their_queries(measured, name):
    assert [m[name]["queries"] for m in measured] == [PINNED[name]] * 2


# The POST rows' counts as the probe takes them (the test's transaction turns each atomic
# block into a savepoint, counted here as the transaction's BEGIN and COMMIT are on a
# server): lower them when a change lowers the count.
POST_QUERIES = {REGISTRATION: 8, JOIN: 9}


@pytest.mark.parametrize("name", list(POST_QUERIES))
def test_post_target_makes_its_pinned_number_of_queries(measured, name):
    for m in measured:
        assert m[name]["ok"] and m[name]["queries"] == POST_QUERIES[name], m[name]


@pytest.mark.parametrize("name", [t.name for t in MEASURED if t.crowd or t.method == "POST"])
def test_crowd_and_post_requests_are_all_different(measured, name):
    entry = measured[1][name]
    if entry["path"] is None:
        pytest.skip(f"{name}: nothing to point it at yet")
    sent = entry["lines"] + entry["warmup"]
    assert sent and len(set(sent)) == len(sent)
    crowd = next(t.crowd for t in MEASURED if t.name == name)
    if crowd:
        assert measured[1]["_languages"][crowd] == {"en", "de", "es", "fr", "it"}


def test_a_broken_cookie_is_a_failed_target_not_the_sign_in_page(measured):
    for m in measured:
        broken = m["_broken"]
        assert 300 <= broken["status"] < 400 and "/accounts/" in broken["location"], broken
        assert not probe.succeeded(REVIEW_QUEUE, broken["status"], broken["location"])
        # A POST target expects a redirect, but never one to sign in.
        post = Target("post", "/x/", method="POST", expect="3xx")
        assert not probe.succeeded(post, broken["status"], broken["location"])
        assert probe.succeeded(post, 302, "/sessions/r/abc/")
    result = run.Result(REVIEW_QUEUE.name, "/x/", status="failed: HTTP 302 to /accounts/login/",
                        queries=3)
    size = run.SizeRun("small", "db", results={REVIEW_QUEUE.name: result})
    lines = run.targets_met([size])
    assert f"- **NOT met**: {REVIEW_QUEUE.name}: failed: HTTP 302" in "\n".join(lines)


class _Answers(http.server.BaseHTTPRequestHandler):
    """/ok answers 200, /login redirects to sign in, /made redirects to what a POST made."""

    def _answer(self):
        if self.path.startswith("/ok"):
            self.send_response(200)
        elif self.path.startswith("/made"):
            self.send_response(302)
            self.send_header("Location", "/sessions/r/made/")
        else:
            self.send_response(302)
            self.send_header("Location", "/accounts/login/?next=/x/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_wrk_counts_a_redirect_as_failed(tmp_path: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    args = argparse.Namespace(threads=1, connections=2)
    lines = tmp_path / "lines.txt"
    lines.write_text("/ok?a\tde\ttz=x\t\n/ok?b\tfr\t\t\n")
    try:
        page = Target("page", "/ok")
        assert run.run_wrk(base, page, args, "1s", lines=lines).failed == 0
        broken = run.run_wrk(base, Target("page", "/login"), args, "1s")
        assert broken.ok == 0 and broken.failed == broken.requests > 0
        assert broken.answers["to_login"] == broken.requests
        post = Target("post", "/made", method="POST", expect="3xx")
        made = run.run_wrk(base, post, args, "1s")
        assert made.failed == 0 and made.ok == made.requests > 0
        assert run.run_wrk(base, Target("post", "/login", method="POST", expect="3xx"), args,
                           "1s").ok == 0
    finally:
        server.shutdown()
