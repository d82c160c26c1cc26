"""Times in a chapter's zone and the viewer's, formatted cheaply (no |date per row)."""

import datetime as dt
import functools
import zoneinfo
from urllib.parse import unquote

TZ_COOKIE = "tz"
FORMAT = "%Y-%m-%d %H:%M"


@functools.cache
def available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """A ZoneInfo for a known IANA name, None for anything else."""
    if not name or name not in available_zones():
        return None
    return zoneinfo.ZoneInfo(name)


def viewer_zone(request) -> zoneinfo.ZoneInfo | None:
    """The viewer's zone from the `tz` cookie that static/js/app.js sets, if valid."""
    return zone(unquote(request.COOKIES.get(TZ_COOKIE, "")[:100]))


def in_zone(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """`moment` in `tz`, or in UTC where `tz` would leave the calendar (year 9999 east of
    UTC, year 1 west of it): formatting a stored time never fails."""
    try:
        return moment.astimezone(tz)
    except OverflowError:
        return moment.astimezone(dt.UTC)


def format_local(moment: dt.datetime, zone_name: str) -> str:
    """E.g. "2026-03-28 18:00 CET" in that zone (UTC when the zone is unknown)."""
    local = in_zone(moment, zone(zone_name) or dt.UTC)
    return f"{local.strftime(FORMAT)} {local.tzname()}"


def make_aware_strict(naive: dt.datetime, zone_name: str) -> dt.datetime | None:
    """Local wall time to an aware datetime; None when it does not exist (DST gap).

    An ambiguous time (the repeated hour in autumn) takes its first occurrence.
    """
    tz = zone(zone_name) or dt.UTC
    aware = naive.replace(tzinfo=tz, fold=0)
    try:
        round_trip = aware.astimezone(dt.UTC).astimezone(tz)
    except OverflowError:  # the first or last hours of the calendar: no such UTC time
        return None
    if round_trip.replace(tzinfo=None) != naive:
        return None
    return aware.astimezone(dt.UTC)


def annotate_times(sessions, viewer: zoneinfo.ZoneInfo | None) -> None:
    """Attach display strings to each session: chapter-zone start/end, viewer's, UTC."""
    for session in sessions:
        chapter_zone = session.chapter.timezone
        session.local_start = format_local(session.starts_at, chapter_zone)
        session.local_end = format_local(session.ends_at, chapter_zone)
        session.iso_start = session.starts_at.isoformat()
        if viewer is not None:
            start = in_zone(session.starts_at, viewer)
            end = in_zone(session.ends_at, viewer)
            session.viewer_start = f"{start.strftime(FORMAT)} {start.tzname()}"
            session.viewer_end = f"{end.strftime(FORMAT)} {end.tzname()}"
        else:
            session.viewer_start = format_local(session.starts_at, "UTC")
            session.viewer_end = format_local(session.ends_at, "UTC")
