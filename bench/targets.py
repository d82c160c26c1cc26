"""The pages the benchmark drives, in one list: adjust URLs here after a merge.

`{chapter}` is the slug of chapter 1 (the biggest, organized by the benchmark's organizer),
`{session}` the id of the onboarding session the registration POST fills. A target whose URL
cannot be built or answers 404 is reported as missing.

Two kinds of rows:
- a *crowd* row (`crowd=` one of `CROWDS`) sends a different request every time: URLs drawn
  from the gazetteer and the chapter table, each with its own `Accept-Language` (en de es fr
  it) and `tz` cookie (bench/probe.py: `crowd_lines`), so no cached page answers it — what
  the real crowd costs. Signed-in pages are never served from the cache, so their one URL
  is already a miss. These rows (`headline=True`) are the headline of docs/performance.md.
- a *cached* row repeats one URL: a public page then comes from each worker's cache of
  rendered pages. `cached_of` names the headline row it is the second column of.
"""

from __future__ import annotations

from dataclasses import dataclass

# Who a signed-in target is driven as (bench/probe.py makes a session for each):
# "organizer" organizes chapter 1 (MFA done), "admin" is the Global admin (MFA done),
# "person" is a seeded person with registrations and memberships, "joiner" a fresh person per
# request (the join POST).
PERSONAS = ("organizer", "admin", "person", "joiner")
# Distinct-request generators (bench/probe.py: crowd_lines).
CROWDS = ("search", "chapters", "sessions", "api")
LANGUAGES = ("en", "de", "es", "fr", "it")


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    # As whom (one of PERSONAS), or anonymous (None).
    signed_in: str | None = None
    method: str = "GET"
    ceiling: bool = False
    # A different request every time (one of CROWDS): `path` is only the example whose
    # queries are counted when the crowd cannot be built.
    crowd: str | None = None
    # A headline row (a miss: a crowd, a signed-in page, a POST) or a cached one.
    headline: bool = True
    # For a cached row: the headline row it is the second column of.
    cached_of: str | None = None
    # The answer that counts as success: "2xx" for pages, "3xx" for a POST that redirects to
    # what it made (any redirect to the sign-in pages is a failure all the same).
    expect: str = "2xx"


CEILING = Target("ceiling (no database)", "/bench/ping", ceiling=True, headline=False)
SEARCH_CROWD = "search: 2,000 cities x 5 languages"
CHAPTER_CROWD = "chapter pages: every chapter x 5 languages"
SESSIONS_CROWD = "sessions: distinct filters x 5 languages"
API_CROWD = "API: 2,000 cities"
REGISTRATION = "registration (POST)"
JOIN = "join (POST)"

TARGETS = [
    CEILING,
    # Headline: misses.
    Target(SEARCH_CROWD, "/chapters/?q=Berlin", crowd="search"),
    Target(CHAPTER_CROWD, "/chapters/{chapter}/", crowd="chapters"),
    Target(SESSIONS_CROWD, "/sessions/", crowd="sessions"),
    Target(API_CROWD, "/api/chapters/?q=Berlin", crowd="api"),
    Target("review queue (organizer)", "/chapters/{chapter}/requests/", signed_in="organizer"),
    Target("member list (organizer)", "/chapters/{chapter}/members/", signed_in="organizer"),
    Target("/me/ (person with registrations)", "/me/", signed_in="person"),
    Target("CDP overview (admin)", "/program/", signed_in="admin"),
    Target("CDP review (admin)", "/program/review/", signed_in="admin"),
    Target("CDP resources (admin)", "/program/resources/", signed_in="admin"),
    Target("network health (admin)", "/network/health/", signed_in="admin"),
    Target("network help desk (admin)", "/network/help/", signed_in="admin"),
    Target("network library (admin)", "/network/library/", signed_in="admin"),
    Target(REGISTRATION, "/sessions/{session}/check-email/", method="POST", expect="3xx"),
    Target(JOIN, "/chapters/{join_chapter}/join/", method="POST", signed_in="joiner",
           expect="3xx"),
    # Second column: one repeated URL, public pages from the workers' caches.
    Target("home", "/", headline=False),
    Target("directory", "/chapters/", headline=False),
    Target("directory search by place", "/chapters/?q=Berlin", headline=False,
           cached_of=SEARCH_CROWD),
    Target("chapter page", "/chapters/{chapter}/", headline=False, cached_of=CHAPTER_CROWD),
    Target("sessions", "/sessions/", headline=False, cached_of=SESSIONS_CROWD),
    Target("API: chapters", "/api/chapters/", headline=False, cached_of=API_CROWD),
]

# Targets whose page weight is reported (bytes transferred, compressed).
WEIGHED = ["directory", "chapter page"]
SEARCH = "directory search by place"
