"""Every URL pattern of the project, requested as every persona, against ONE table.

How to read TABLE: a key is a URL name as `reverse()` takes it ("app:name"); its `Expect`
says how to build the URL (kwargs from the test world: chapter A is "this chapter") and what
each persona gets: a status code, LOGIN (a redirect to the sign-in page) or REDIRECT (any
other redirect). Columns: anonymous, member (carol, member of A), other_organizer (bob,
organizer of B), organizer (alice, organizer of A), coach, admin (Global admin). Everyone
with a role has MFA.

A new view must get an entry: test_every_url_pattern_has_an_entry fails otherwise. An entry
for a pattern that no longer exists fails test_every_entry_names_an_existing_pattern.
Third-party patterns (THIRD_PARTY) are covered by a light check instead, with the reason.

Adding an app's URLs: add one line per URL name, e.g.
    "onboarding:detail": Expect(kwargs=lambda w: {"pk": w.extra["session_a"].pk},
                                anonymous=200, member=200, other_organizer=200,
                                organizer=200, coach=200, admin=200),
and add a builder for the objects it needs to EXTRA in tests/security/conftest.py
(it lands in `World.extra`).
`query` names the GET parameters the fuzz test (test_fuzz.py) sends garbage to, and
`form` the POST fields it fuzzes, so a new page joins the fuzzing by being in the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import PERSONAS, World

LOGIN = "login"  # a redirect to the sign-in page
REDIRECT = "redirect"  # any redirect that is not to the sign-in page
Outcome = int | str


@dataclass(frozen=True)
class Expect:
    anonymous: Outcome
    member: Outcome
    other_organizer: Outcome
    organizer: Outcome
    coach: Outcome
    admin: Outcome
    kwargs: Callable[[World], dict[str, Any]] | None = None
    method: str = "get"
    # The GET parameters (query) and POST fields (form) the fuzz test sends garbage to.
    query: tuple[str, ...] = ()
    form: tuple[str, ...] = ()
    form_persona: str = "anonymous"

    def url(self, name: str, world: World) -> str:
        return reverse(name, kwargs=self.kwargs(world) if self.kwargs else None)

    def outcome(self, persona: str) -> Outcome:
        return getattr(self, persona)


def everyone(outcome: Outcome, **options) -> Expect:
    return Expect(*(outcome,) * len(PERSONAS), **options)


def signed_in(outcome: Outcome = 200, **options) -> Expect:
    """Anyone signed in; anonymous people are sent to sign in."""
    return Expect(LOGIN, *(outcome,) * (len(PERSONAS) - 1), **options)


def chapter_a(world: World) -> dict[str, str]:
    return {"slug": world.chapter_a.slug}


TABLE: dict[str, Expect] = {
    # Directory
    "chapters:home": everyone(200),
    "chapters:directory": everyone(200, query=("q", "page", "lat", "lon", "km", "country")),
    "chapters:detail": everyone(200, kwargs=chapter_a),
    # Membership
    "members:me": signed_in(200),
    "members:join": everyone(200, kwargs=chapter_a),
    # Onboarding
    "onboarding:list": everyone(200, query=("page", "chapter", "language", "q")),
    # Chapter Development Program
    "cdp:apply": everyone(200),
    # Audit log: Global admins with MFA only.
    "audit:log": Expect(403, 403, 403, 403, 403, 200, query=("action", "page")),
    # Deployment
    "healthz": everyone(200),
    "django.contrib.sitemaps.views.sitemap": everyone(200),
    "set_language": everyone(REDIRECT),
    # Accounts (allauth) pages the product relies on, checked like our own.
    "account_login": Expect(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_signup": Expect(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT,
                             form=("email",)),
    "account_request_login_code": Expect(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT,
                                         REDIRECT, form=("email",)),
    "usersessions_list": signed_in(200),
    "account_logout": Expect(REDIRECT, 200, 200, 200, 200, 200),
    "mfa_index": signed_in(200),
}

# Patterns we do not write: a light check (never a 500; the admin sends strangers to sign in)
# instead of a row per pattern. Key: a URL-name prefix; value: why it is grouped.
THIRD_PARTY = {
    "admin:": "Django's admin: every page needs a staff sign-in through allauth (with MFA).",
    "admin/": "Django's admin: unnamed object and catch-all redirects, behind the same sign-in.",
    "account_": "allauth accounts: sign-in, sign-up, email and password pages of the library.",
    "mfa_": "allauth MFA: second-factor set-up and sign-in pages of the library.",
    "usersessions_": "allauth user sessions.",
}


def project_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern of the project as (name for reverse, or its route), recursively."""

    def walk(resolver: URLResolver, prefix: str, namespace: str):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern
            else:
                yield prefix + str(pattern.pattern), pattern

    yield from walk(get_resolver(), "", "")


def third_party_group(name: str) -> str | None:
    return next((prefix for prefix in THIRD_PARTY if name.startswith(prefix)), None)


def request(client, expect: Expect, url: str, data: dict | None = None):
    return getattr(client, expect.method)(url, data or {})


def outcome_of(response) -> Outcome:
    if response.status_code in (301, 302, 303, 307, 308):
        return LOGIN if response["Location"].startswith(reverse("account_login")) else REDIRECT
    return response.status_code


def test_every_url_pattern_has_an_entry():
    missing = sorted(
        name for name, _ in project_patterns()
        if name not in TABLE and third_party_group(name) is None
    )
    assert not missing, f"URL patterns without an entry in TABLE: {missing}"


def test_every_entry_names_an_existing_pattern():
    names = {name for name, _ in project_patterns()}
    assert not sorted(set(TABLE) - names), "TABLE entries for patterns that no longer exist"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_persona_gets_the_expected_outcome(name, world):
    expect = TABLE[name]
    url = expect.url(name, world)
    got = {persona: outcome_of(request(world.client(persona), expect, url))
           for persona in PERSONAS}
    wanted = {persona: expect.outcome(persona) for persona in PERSONAS}
    assert got == wanted, f"{name} ({url})"


def _reversible_without_arguments(name: str) -> str | None:
    try:
        return reverse(name)
    except Exception:  # noqa: BLE001 - patterns that need arguments get no light check
        return None


def test_admin_pages_send_strangers_and_members_to_sign_in(world):
    urls = [url for name, _ in project_patterns()
            if name.startswith("admin:") and name != "admin:logout"
            if (url := _reversible_without_arguments(name))]
    assert len(urls) > 10
    for persona in ("anonymous", "member", "organizer"):
        client = world.client(persona)
        for url in urls:
            response = client.get(url)
            if persona != "anonymous" and response.status_code == 403:
                continue  # signed in but not staff: allauth's admin login refuses
            assert response.status_code == 302, (persona, url)
            assert "/login/" in response["Location"], (persona, url)


def test_allauth_pages_never_fail(world):
    """Library pages answer (a page, a redirect, a refusal), never a server error."""
    names = [name for name, _ in project_patterns()
             if third_party_group(name) not in (None, "admin:", "admin/") and name not in TABLE]
    urls = [url for name in names if (url := _reversible_without_arguments(name))]
    urls.append(reverse("account_reset_password_from_key",
                        kwargs={"uidb36": "zz", "key": "not-a-key"}))
    for persona in ("anonymous", "member"):
        client = world.client(persona)
        for url in urls:
            assert client.get(url).status_code < 500, (persona, url)
