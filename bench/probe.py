"""The benchmark's in-process side, run once per database by bench/run.py.

    DATABASE_URL=... uv run python bench/probe.py

Prints JSON: the URL placeholders, signed-in cookies (organizer, Global admin, a person with
registrations), the request lines of every crowd and POST target (bench/wrk.lua reads them,
one request a line), and what each target answers and how many queries it makes (Django's
CaptureQueriesContext through the test Client against the same database, second request of
two, with the cache of rendered public pages emptied: the worst case).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed import ADMIN_ID, ORGANIZER_ID, model_or_none, setup_django  # noqa: E402
from bench.targets import JOIN, LANGUAGES, REGISTRATION, TARGETS, Target  # noqa: E402

# Time zones a crowd's browsers send in the `tz` cookie (static/js/app.js sets it): the page
# cache keys on it, as on the language, so a real crowd spreads over them too.
ZONES = ["Europe/Berlin", "Europe/Rome", "America/New_York", "Europe/London", "Europe/Paris",
         "Europe/Madrid", "America/Los_Angeles", "America/Chicago", "America/Sao_Paulo",
         "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney", "Africa/Lagos", "Europe/Warsaw",
         "America/Mexico_City", "Asia/Singapore", "Europe/Amsterdam", "Europe/Zurich",
         "America/Toronto", "Europe/Lisbon"]
CROWD_CITIES = 2000
REGISTRANT = "bench-registrant-{run}-{i}@bench.example"
JOINER = "bench-joiner-{run}-{i}@bench.example"
CODE = "BENCH234"  # the code alphabet has no 0, 1, I or O


def placeholders() -> dict[str, str | None]:
    """Values for the targets' `{chapter}`, `{session}` and `{join_chapter}`."""
    from chapters.models import Chapter

    chapter = Chapter.objects.filter(pk=1).values_list("slug", flat=True).first()
    return {"chapter": chapter, "session": registration_session_id(),
            "join_chapter": join_chapter_slug()}


def join_chapter_slug() -> str | None:
    """The chapter the join POST asks to join: the first listed one after chapter 1 that
    takes newcomers (chapter 1's review queue, a target itself, stays as seeded)."""
    from chapters.models import Chapter

    for pk, slug, status in (Chapter.objects.listed().filter(pk__gt=1).order_by("pk")
                             .values_list("pk", "slug", "status")[:50]):
        if Chapter(pk=pk, status=status).takes_newcomers:
            return slug
    return None


def registration_session_id() -> str | None:
    """The onboarding session the registration POST fills: chapter 1's next open session
    that still has places (seeded by seed_onboarding_sessions with a few places left), or
    its next open one when all are full (then every confirmation lands on the waitlist)."""
    if model_or_none("onboarding.OnboardingSession") is None:
        return None
    from django.db.models import F, Q
    from django.utils import timezone

    from onboarding.models import OnboardingSession

    now = timezone.now()
    open_sessions = (OnboardingSession.objects.filter(chapter_id=1, status="scheduled",
                                                      starts_at__gt=now)
                     .filter(Q(registration_closes_at__isnull=True)
                             | Q(registration_closes_at__gt=now))
                     .order_by("pk"))  # the seeded ones (1..5) first
    session = (open_sessions.with_taken().filter(taken__lt=F("capacity")).first()
               or open_sessions.first())
    return str(session.pk) if session else None


def _run_id() -> str:
    from django.utils.crypto import get_random_string

    return get_random_string(6, "abcdefghijklmnopqrstuvwxyz")


def registration_requests(session: str, count: int) -> list[str]:
    """POST bodies for `count` different people confirming their sign-up with the emailed code.

    What holds capacity is the confirmation step (it locks the session row, counts the places
    taken, then confirms or waitlists), so the load drives that: the people first sign up
    here (pending, as after the registration form; written in one bulk insert, fresh names
    on every run), then each request is `POST /sessions/<id>/check-email/` with one person's
    email and code, as typed from the email. Each body carries the CSRF token (added by the
    caller).
    """
    from onboarding.models import Registration

    run = _run_id()
    emails = [REGISTRANT.format(run=run, i=i) for i in range(count)]
    Registration.objects.bulk_create(
        [Registration(session_id=int(session), name=f"Bench {i}", email=email, code=CODE,
                      token=f"bench-{run}-{i:08d}") for i, email in enumerate(emails)],
        batch_size=5000)
    return [f"email={email.replace('@', '%40')}&code={CODE}" for email in emails]


def _session_data(user) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    return {SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(), "mfa_ok": True}


def _member_session_data(user) -> dict:
    """The session of a person with no second factor and no role, as the join page they
    opened before asking left it: no `mfa_ok`, and their roles kept (members/roles.py), so
    the POST neither asks them again nor rewrites the session (a session marked `mfa_ok`
    without the short expiry its marking request sets would be rewritten every time)."""
    from members.roles import SESSION_ROLES

    data = _session_data(user)
    del data["mfa_ok"]
    data[SESSION_ROLES] = {"u": user.pk, "v": user.roles_version, "mfa": False, "org": []}
    return data


def join_requests(slug: str, count: int, csrf_cookie: str, csrf_token: str) -> list[str]:
    """Request lines (see `line`) for `count` fresh people, each signed in with a session of
    their own (one bulk insert of people, addresses and sessions, fresh on every run), asking
    to join chapter `slug`: `POST /chapters/<slug>/join/` with the answers its rules need
    (the ones that pass) and the CSRF token. A success is a redirect to the join page."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from chapters.models import Chapter
    from members import services
    from members.models import User
    from members.rules import RULES, needed_questions

    chapter = Chapter.objects.get(slug=slug)
    rules = services.chapter_rules(chapter)
    failing = {rule.key: rule.failing_answer for rule in RULES}
    answers = {key: "no" if failing.get(key) else "yes" for key in needed_questions(rules)}
    for index, question in enumerate(rules.questions):
        if question.required:
            answers[f"question_{index}"] = "Bench."
    body = urlencode({**answers, "csrfmiddlewaretoken": csrf_token})
    run = _run_id()
    work_kind = User._meta.get_field("work_kind").choices[0][0]
    people = User.objects.bulk_create(
        [User(email=JOINER.format(run=run, i=i), password="!bench", display_name=f"Joiner {i}",
              work_kind=work_kind, preferred_language="en") for i in range(count)],
        batch_size=5000)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in people],
        batch_size=5000)
    store, expires = SessionStore(), timezone.now() + timezone.timedelta(
        seconds=settings.SESSION_COOKIE_AGE)
    keys = [get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789") for _ in people]
    Session.objects.bulk_create(
        [Session(session_key=key, session_data=store.encode(_member_session_data(u)),
                 expire_date=expires) for key, u in zip(keys, people, strict=True)],
        batch_size=5000)
    return [line(None, "en", f"{settings.SESSION_COOKIE_NAME}={key}; {csrf_cookie}", body)
            for key in keys]


def capacity_overbooked_sql() -> str | None:
    """SQL counting sessions with more place-holding registrations than places (must be 0)."""
    if model_or_none("onboarding.Registration") is None:
        return None
    return (
        "SELECT count(*) FROM (SELECT s.id FROM onboarding_onboardingsession s "
        "JOIN onboarding_registration r ON r.session_id = s.id "
        "AND r.status IN ('confirmed', 'attended', 'no_show') "
        "GROUP BY s.id, s.capacity HAVING count(*) > s.capacity) AS over")


def organizer_cookie(user_id: int = ORGANIZER_ID) -> str:
    """A signed-in session for the organizer account (or another, by id), second factor
    done, stored in the DB."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from members.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session.update(_session_data(user))
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def person_with_registrations() -> int | None:
    """A seeded person with registrations (and memberships): the first registration's."""
    if model_or_none("onboarding.Registration") is None:
        return None
    from onboarding.models import Registration

    return (Registration.objects.filter(user__isnull=False, user_id__gt=ADMIN_ID)
            .order_by("pk").values_list("user_id", flat=True).first())


def persona_cookies() -> dict[str, str | None]:
    person = person_with_registrations()
    return {"organizer": organizer_cookie(), "admin": organizer_cookie(ADMIN_ID),
            "person": organizer_cookie(person) if person else None}


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie and a matching form token, as a browser would hold after a GET."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    return f"{settings.CSRF_COOKIE_NAME}={secret}", _mask_cipher_secret(secret)


def line(path: str | None, language: str = "", cookie: str = "", body: str = "") -> str:
    """One request for bench/wrk.lua: path (empty: the target's), Accept-Language, Cookie,
    body, separated by tabs."""
    return "\t".join([path or "", language, cookie, body])


def parse_line(text: str) -> tuple[str, str, str, str]:
    path, language, cookie, body = (text.split("\t") + ["", "", "", ""])[:4]
    return path, language, cookie, body


def crowd_lines(kind: str, count: int, seed: int = 20261202) -> list[str]:
    """`count` distinct requests of a crowd (shuffled, repeating only past every
    combination): URLs from the gazetteer or the chapter table, each with one of the five
    languages and one of `ZONES` as the `tz` cookie."""
    from chapters.models import Chapter, Place

    rng = random.Random(seed)
    if kind in ("search", "api"):
        names = list(Place.objects.order_by("-population", "pk")
                     .values_list("name", flat=True)[:CROWD_CITIES])
        base = "/chapters/?q=" if kind == "search" else "/api/chapters/?q="
        paths = [base + quote(name) for name in dict.fromkeys(names)]
    elif kind == "chapters":
        slugs = Chapter.objects.listed().order_by("pk").values_list("slug", flat=True)
        paths = [f"/chapters/{slug}/" for slug in slugs]
    elif kind == "sessions":
        slugs = list(Chapter.objects.listed().order_by("pk").values_list("slug", flat=True)
                     [:CROWD_CITIES])
        languages = [""] + list(LANGUAGES)
        formats = ["", "online", "in_person", "hybrid"]
        paths = []
        for i, slug in enumerate(slugs):
            query = {"chapter": slug}
            if i % 3:
                query["language"] = languages[i % len(languages)]
            if i % 2:
                query["format"] = formats[i % len(formats)]
            paths.append("/sessions/?" + urlencode({k: v for k, v in query.items() if v}))
        paths += [f"/sessions/?page={n}" for n in range(2, 12)]
    else:
        raise ValueError(kind)
    combos = len(paths) * len(LANGUAGES) * (len(ZONES) if kind != "api" else 1)
    out, seen = [], set()
    while len(out) < count:
        path = rng.choice(paths)
        language = rng.choice(LANGUAGES)
        zone = rng.choice(ZONES) if kind != "api" else ""
        if (path, language, zone) in seen and len(seen) < combos:
            continue
        seen.add((path, language, zone))
        out.append(line(path, language, f"tz={quote(zone, safe='')}" if zone else ""))
    return out


def count_queries(path: str, cookie: str | None, method: str = "GET",
                  body: str | None = None, language: str = "en") -> dict:
    """Status, redirect target and queries of one request (the second of two for a GET),
    rendered afresh."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core import pagecache

    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    headers = {"accept-language": language}
    if cookie:
        headers["cookie"] = cookie
    for _attempt in range(1 if method == "POST" else 2):  # a POST changes state: once
        # The worst case: rendered afresh, not served from the cache of public pages.
        pagecache.forget()
        with CaptureQueriesContext(connection) as captured:
            if method == "POST":
                response = client.post(path, body or "", headers=headers,
                                       content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(path, headers=headers)
    # Round trips that read or write data: a transaction's own setting (the health page's
    # `SET LOCAL jit = off` on PostgreSQL) is not one.
    reads = [q for q in captured if not q["sql"].lstrip().upper().startswith("SET ")]
    return {"status": response.status_code, "location": response.get("Location", ""),
            "queries": len(reads)}


def succeeded(target: Target, status: int, location: str = "") -> bool:
    """Whether an answer counts as the target working: a page 2xx, a POST the redirect to
    what it made. A redirect to sign in (a broken cookie) or any other answer is a failure:
    never followed, never measured as if it were the page."""
    if target.expect == "3xx":
        return 300 <= status < 400 and "/accounts/" not in location
    return 200 <= status < 300


def target_path(target: Target, values: dict) -> str | None:
    try:
        path = target.path.format(**values) if "{" in target.path else target.path
    except (KeyError, IndexError):
        return None
    return None if "None" in path else path


def build(crowd_count: int = 12000, post_count: int = 8000, join_count: int = 4000,
          only: set[str] | None = None) -> dict:
    """Everything bench/run.py needs for one database (see the module docstring)."""
    from core import pagecache

    # A crowd is a crowd the cache has not seen: raise the data versions (every cached page,
    # in any worker or a shared cache, is then stale), as a data change would.
    pagecache.bump(pagecache.CHAPTERS, pagecache.POLICIES, pagecache.SESSIONS)
    values = placeholders()
    cookies = persona_cookies()
    csrf_cookie, csrf_token = csrf_pair()
    out = {"placeholders": values, "cookies": cookies, "csrf_cookie": csrf_cookie,
           "targets": {}, "capacity_sql": capacity_overbooked_sql()}
    for target in TARGETS:
        if only and target.name not in only and not target.ceiling:
            continue
        path = target_path(target, values)
        entry = {"path": path, "status": None, "location": "", "queries": None,
                 "lines": [], "warmup": [], "ok": False}
        out["targets"][target.name] = entry
        if path is None or (target.signed_in and target.signed_in != "joiner"
                            and not cookies.get(target.signed_in)):
            entry["path"] = None
            continue
        lines: list[str] = []
        if target.crowd:
            lines = crowd_lines(target.crowd, crowd_count)
        elif target.name == REGISTRATION:
            lines = [line(None, "en", csrf_cookie, f"{b}&csrfmiddlewaretoken={csrf_token}")
                     for b in registration_requests(values["session"], post_count + 2)]
        elif target.name == JOIN:
            lines = join_requests(values["join_chapter"], join_count + 2, csrf_cookie,
                                  csrf_token)
        cookie = cookies.get(target.signed_in) if target.signed_in else None
        body = None
        language = "en"
        if lines and target.method == "POST":
            # A POST changes state, so it is sent once: first one with a person of its own
            # (what a first request fills, per process), then the counted one.
            _, language, line_cookie, body = parse_line(lines.pop())
            count_queries(path, line_cookie, "POST", body, language)
        if lines:
            # Counted with the last request of its own, so the load run's stay fresh.
            first_path, language, line_cookie, body = parse_line(lines.pop())
            path = first_path or path
            cookie = "; ".join(c for c in (cookie, line_cookie) if c) or None
        entry.update(count_queries(path, cookie, target.method, body, language))
        entry["example"] = path
        # A tenth apart for the warm-up, never sent again in the measured run.
        cut = len(lines) // 10
        entry["warmup"], entry["lines"] = lines[:cut], lines[cut:]
        entry["ok"] = succeeded(target, entry["status"], entry["location"])
    return out


def main() -> None:
    setup_django()
    only = set(sys.argv[1].split("|")) if len(sys.argv) > 1 and sys.argv[1] else None
    json.dump(build(only=only), sys.stdout)


if __name__ == "__main__":
    main()
