"""The benchmark's in-process side, run once per database by bench/run.py.

    DATABASE_URL=... uv run python bench/probe.py

Prints JSON: the URL placeholders, a signed-in organizer's cookie, the registration POST
requests, and the queries each target makes (Django's CaptureQueriesContext through the test
Client against the same database, second request of two, with the cache of rendered public
pages emptied: the worst case).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed import ADMIN_ID, ORGANIZER_ID, model_or_none, setup_django  # noqa: E402
from bench.targets import TARGETS  # noqa: E402


def placeholders() -> dict[str, str | None]:
    """Values for the targets' `{chapter}` and `{session}`."""
    from chapters.models import Chapter

    chapter = Chapter.objects.filter(pk=1).values_list("slug", flat=True).first()
    return {"chapter": chapter, "session": registration_session_id()}


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


REGISTRANT = "bench-registrant-{run}-{i}@bench.example"
CODE = "BENCH234"  # the code alphabet has no 0, 1, I or O


def registration_requests(session: str, count: int) -> list[str]:
    """POST bodies for `count` different people confirming their sign-up with the emailed code.

    What holds capacity is the confirmation step (it locks the session row, counts the places
    taken, then confirms or waitlists), so the load drives that: the people first sign up
    here (pending, as after the registration form; written in one bulk insert, fresh names
    on every run), then each request is `POST /sessions/<id>/check-email/` with one person's
    email and code, as typed from the email. Each body carries the CSRF token (added by the
    caller).
    """
    from django.utils.crypto import get_random_string

    from onboarding.models import Registration

    run = get_random_string(6, "abcdefghijklmnopqrstuvwxyz")
    emails = [REGISTRANT.format(run=run, i=i) for i in range(count)]
    Registration.objects.bulk_create(
        [Registration(session_id=int(session), name=f"Bench {i}", email=email, code=CODE,
                      token=f"bench-{run}-{i}") for i, email in enumerate(emails)],
        batch_size=5000)
    return [f"email={email.replace('@', '%40')}&code={CODE}" for email in emails]


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
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from members.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["mfa_ok"] = True
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie and a matching form token, as a browser would hold after a GET."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    return f"{settings.CSRF_COOKIE_NAME}={secret}", _mask_cipher_secret(secret)


def count_queries(path: str, cookie: str | None, method: str = "GET",
                  body: str | None = None) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chapters import pagecache

    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    headers = {"cookie": cookie} if cookie else {}
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
    return {"status": response.status_code, "queries": len(reads)}


def main() -> None:
    setup_django()
    values = placeholders()
    cookie = organizer_cookie()
    csrf_cookie, csrf_token = csrf_pair()
    admin_cookie = organizer_cookie(ADMIN_ID)
    out = {"placeholders": values, "organizer_cookie": cookie, "admin_cookie": admin_cookie,
           "csrf_cookie": csrf_cookie,
           "targets": {}, "capacity_sql": capacity_overbooked_sql(), "registration_bodies": []}
    for target in TARGETS:
        try:
            path = target.path.format(**values) if "{" in target.path else target.path
        except (KeyError, IndexError):
            path = None
        if path is None or "None" in path:
            out["targets"][target.name] = {"path": None, "status": None, "queries": None}
            continue
        entry = {"path": path}
        if target.method == "POST":
            bodies = [f"{b}&csrfmiddlewaretoken={csrf_token}"
                      for b in registration_requests(values["session"], 20001)]
            out["registration_bodies"] = bodies[:-1]
            # Counted with a person of its own, so the load run's people stay fresh.
            entry.update(count_queries(path, csrf_cookie, "POST", bodies[-1]))
        else:
            entry.update(count_queries(path, admin_cookie if target.signed_in == "admin"
                                       else cookie if target.signed_in else None))
        out["targets"][target.name] = entry
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
