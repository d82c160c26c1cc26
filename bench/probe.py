"""The benchmark's in-process side, run once per database by bench/run.py.

    DATABASE_URL=... uv run python bench/probe.py

Prints JSON: the URL placeholders, a signed-in organizer's cookie, the registration POST
requests, and the queries each target makes (Django's CaptureQueriesContext through the test
Client against the same database, second request of two so caches are warm).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed import ORGANIZER_ID, model_or_none, setup_django  # noqa: E402
from bench.targets import TARGETS  # noqa: E402


def placeholders() -> dict[str, str | None]:
    """Values for the targets' `{chapter}` and `{session}`."""
    from chapters.models import Chapter

    chapter = Chapter.objects.filter(pk=1).values_list("slug", flat=True).first()
    return {"chapter": chapter, "session": registration_session_id()}


def registration_session_id() -> str | None:
    """The onboarding session the registration POST fills: chapter 1's next one.

    TODO(after merge): return the id (or whatever the registration URL takes) of an upcoming
    session of chapter 1 with open registration, as seeded by seed_onboarding_sessions.
    """
    if model_or_none("onboarding.OnboardingSession") is None:
        return None
    return None


def registration_requests(session: str, count: int) -> list[str]:
    """POST bodies for `count` different people registering (form fields + CSRF token).

    TODO(after merge): the onboarding registration form's field names (issue 5: a name and an
    email address). Each body must carry `csrfmiddlewaretoken={token}` (filled in below).
    """
    return [f"name=Bench+{i}&email=bench-registrant-{i}%40bench.example" for i in range(count)]


def capacity_overbooked_sql() -> str | None:
    """SQL counting sessions with more confirmed registrations than places (must be 0).

    TODO(after merge): write it against the onboarding tables, e.g.
    SELECT count(*) FROM (SELECT s.id FROM onboarding_session s JOIN onboarding_registration r
    ON r.session_id = s.id AND r.status = 'confirmed' GROUP BY s.id, s.capacity
    HAVING count(*) > s.capacity) over;
    """
    return None


def organizer_cookie() -> str:
    """A signed-in session for the organizer account, second factor done, stored in the DB."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from members.models import User

    user = User.objects.get(pk=ORGANIZER_ID)
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

    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    headers = {"cookie": cookie} if cookie else {}
    for attempt in range(2):
        with CaptureQueriesContext(connection) as captured:
            if method == "POST":
                response = client.post(path, body or "", headers=headers,
                                       content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(path, headers=headers)
    return {"status": response.status_code, "queries": len(captured)}


def main() -> None:
    setup_django()
    values = placeholders()
    cookie = organizer_cookie()
    csrf_cookie, csrf_token = csrf_pair()
    out = {"placeholders": values, "organizer_cookie": cookie, "csrf_cookie": csrf_cookie,
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
                      for b in registration_requests(values["session"], 20000)]
            out["registration_bodies"] = bodies
            # Counted with a throwaway person, so the load run's people stay fresh.
            entry.update(count_queries(path, csrf_cookie, "POST",
                                       bodies[-1].replace("registrant", "probe")))
        else:
            entry.update(count_queries(path, cookie if target.signed_in else None))
        out["targets"][target.name] = entry
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
