"""The pages the benchmark drives, in one list: adjust URLs here after a merge.

`{chapter}` is the slug of chapter 1 (the biggest, organized by the benchmark's organizer),
`{session}` the id of the onboarding session the registration POST fills. A target whose URL
cannot be built or answers 404 is reported as missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    # As the organizer account (True) or the Global admin account ("admin"), MFA done.
    signed_in: bool | str = False
    method: str = "GET"
    ceiling: bool = False
    # Every request a different URL (`&n=<counter>` appended), so none is answered from the
    # cache of rendered public pages: what a page costs when rendered. Reported, not judged.
    uncached: bool = False


TARGETS = [
    Target("ceiling (no database)", "/bench/ping", ceiling=True),
    Target("home", "/"),
    Target("health check", "/healthz"),
    Target("directory", "/chapters/"),
    Target("directory search by place", "/chapters/?q=Berlin"),
    Target("search by place, uncached", "/chapters/?q=Berlin", uncached=True),
    Target("chapter page", "/chapters/{chapter}/"),
    Target("sessions", "/sessions/"),
    Target("API: chapters", "/api/chapters/"),
    Target("review queue (organizer)", "/chapters/{chapter}/requests/", signed_in=True),
    Target("member list (organizer)", "/chapters/{chapter}/members/", signed_in=True),
    Target("network health (admin)", "/network/health/", signed_in="admin"),
    Target("registration (POST)", "/sessions/{session}/check-email/", method="POST"),
]

# Targets whose page weight is reported (bytes transferred, compressed).
WEIGHED = ["directory", "chapter page"]
SEARCH = "directory search by place"
REGISTRATION = "registration (POST)"
