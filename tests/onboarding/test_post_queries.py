"""The code confirmation POST (what the benchmark's registration row drives): a fixed number
of queries however many people signed up, and the wrong-code limit read in one query, as
allauth's own dry run answers it."""

import pytest
from allauth.core import ratelimit as allauth_ratelimit
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import ratelimit
from onboarding.models import Registration
from onboarding.models import RegistrationStatus as S
from tests.factories import make_registration

# The wrong-code limit, one read of the cache (allauth's dry run: ten); the session, public
# or a 404, locked with its chapter (read once: the view reads it only to show an error);
# the registration found and locked in one, with its account's language (no account: no
# second look-up); places taken; the update; the three tasks (the email, two reminders) in
# one INSERT. Before: 10 (the session read twice, the account looked up, three INSERTs).
CONFIRM_QUERIES = 6
# The test's own transaction turns atomic blocks into savepoints: not the page's round trips.
_NOT_COUNTED = ("SET ", "SAVEPOINT ", "RELEASE SAVEPOINT ")


def _confirm(session, email: str) -> tuple[list[dict], object]:
    registration = Registration.objects.get(session=session, email=email)
    client = Client(REMOTE_ADDR="127.0.0.1")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("onboarding:check_email", args=[session.pk]),
                               {"email": email, "code": registration.code})
    assert response.status_code == 302, response
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED and registration.email_confirmed
    return [q for q in queries if not q["sql"].upper().startswith(_NOT_COUNTED)], response


@pytest.mark.parametrize("others", [1, 30])
def test_confirming_with_the_code_makes_the_same_few_queries(session_a, others):
    session_a.capacity = 100
    session_a.save(update_fields=["capacity"])
    for n in range(others):
        make_registration(session_a, f"other{n}@example.org",
                          status=S.CONFIRMED if n % 2 else S.PENDING)
    make_registration(session_a, "rosa@example.org", status=S.PENDING)
    queries, _response = _confirm(session_a, "rosa@example.org")
    assert len(queries) == CONFIRM_QUERIES, "\n".join(q["sql"][:120] for q in queries)


def test_the_limit_check_answers_as_allauths_dry_run(session_a):
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")
    key = f"{session_a.pk}:rosa@example.org"
    for _wrong in range(6):
        ours = ratelimit.allauth_allows(request, action="login_failed", key=key)
        theirs = bool(allauth_ratelimit.consume(request, action="login_failed", key=key,
                                                dry_run=True))
        assert ours == theirs
        allauth_ratelimit.consume(request, action="login_failed", key=key)
    assert not ratelimit.allauth_allows(request, action="login_failed", key=key)
    # Another address from the same client is limited per IP only (20 by default), not yet.
    assert ratelimit.allauth_allows(request, action="login_failed",
                                    key=f"{session_a.pk}:other@example.org")
    with CaptureQueriesContext(connection) as queries:
        ratelimit.allauth_allows(request, action="login_failed", key=key)
    assert len(queries) == 1


def test_a_confirmation_onto_the_waitlist_makes_the_same_few_queries(session_a):
    session_a.capacity = 1
    session_a.save(update_fields=["capacity"])
    make_registration(session_a, "first@example.org", status=S.CONFIRMED)
    make_registration(session_a, "rosa@example.org", status=S.PENDING)
    registration = Registration.objects.get(email="rosa@example.org")
    with CaptureQueriesContext(connection) as queries:
        response = Client(REMOTE_ADDR="127.0.0.1").post(
            reverse("onboarding:check_email", args=[session_a.pk]),
            {"email": "rosa@example.org", "code": registration.code})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == S.WAITLISTED
    # As confirmed, with one task (the waitlist email) in its INSERT.
    sql = [q["sql"] for q in queries if not q["sql"].upper().startswith(_NOT_COUNTED)]
    assert len(sql) == CONFIRM_QUERIES, "\n".join(sql)


def test_the_code_of_a_session_of_an_unlisted_chapter_is_a_404_and_confirms_nothing(
        session_a):
    make_registration(session_a, "rosa@example.org", status=S.PENDING)
    registration = Registration.objects.get(email="rosa@example.org")
    session_a.chapter.is_listed = False
    session_a.chapter.save(update_fields=["is_listed"])
    client = Client(REMOTE_ADDR="127.0.0.1")
    url = reverse("onboarding:check_email", args=[session_a.pk])
    for code in (registration.code, "WRONG1", ""):
        assert client.post(url, {"email": "rosa@example.org", "code": code}).status_code == 404
    registration.refresh_from_db()
    assert registration.status == S.PENDING
    # No wrong guess was counted against the address for a session nobody may see: four
    # more leave it one short of the limit (five per address).
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.2")
    key = f"{session_a.pk}:rosa@example.org"
    for _n in range(4):
        allauth_ratelimit.consume(request, action="login_failed", key=key)
    assert ratelimit.allauth_allows(request, action="login_failed", key=key)
    allauth_ratelimit.consume(request, action="login_failed", key=key)
    assert not ratelimit.allauth_allows(request, action="login_failed", key=key)
    missing = reverse("onboarding:check_email", args=[session_a.pk + 1000])
    assert client.post(missing, {"email": "rosa@example.org",
                                 "code": registration.code}).status_code == 404
    assert client.get(missing).status_code == 404
