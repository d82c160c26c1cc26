"""The fleet run's data (bench/fleet.py runs this once on its fresh database).

A few chapters, each with an organizer (second factor set up) and onboarding sessions of
few places; people with accounts who will ask to join; two accounts for the cross-server
sign-in and rate-limit checks. Prints JSON: ids, slugs and signed-in session cookies (stored
in the database, as after a real sign-in with the second factor done).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import setup_django  # noqa: E402


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["mfa_ok"] = True
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def main(chapters: int, joiners: int) -> dict:
    setup_django()
    from django.utils import timezone

    from tests.factories import make_chapter, make_organizer, make_policy, make_user
    from tests.factories import make_session

    make_policy(None, exclude_owners_executives_investors=True)
    out: dict = {"chapters": [], "joiners": []}
    now = timezone.now()
    for n in range(chapters):
        slug = f"fleet-{n}"
        chapter = make_chapter(slug, name=f"TWC Fleet {n}", city=f"Fleetville {n}")
        make_policy(chapter, approval_required=True, allow_supporters=True)
        organizer = make_organizer(chapter, f"organizer{n}@fleet.example")
        sessions = [make_session(chapter, days=20 + i, capacity=6 + 2 * i).pk
                    for i in range(3)]
        out["chapters"].append({"slug": slug, "id": chapter.pk, "sessions": sessions,
                                "organizer": session_cookie(organizer)})
    for n in range(joiners):
        person = make_user(f"joiner{n}@fleet.example", display_name=f"Joiner {n}",
                           work_kind="programming")
        out["joiners"].append({"id": person.pk, "email": person.email,
                               "cookie": session_cookie(person)})
    make_user("signin@fleet.example")  # no display name: /me/ shows the address
    make_user("ratelimited@fleet.example", display_name="Rate Limited")
    out["seeded_at"] = now.isoformat()
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
