"""Times in a chapter's zone and the viewer's, formatted cheaply (no |date per row).

Dates read as people read them, in the viewer's language: "Mon 7 Dec, 19:00–20:30 CET",
"lun 7 dic, 19:00–20:30 CET", "Mo., 7. Dez., 19:00–20:30 CET". Each language's pattern,
weekday and month names come from Babel (CLDR) once per process; a row then costs a few
string operations, not a Babel or |date call.
"""

import datetime as dt
import functools
import re
import zoneinfo

from babel.dates import tokenize_pattern
from django.conf import settings
from django.utils.translation import get_language

from core.locale import locale_for, zone

FORMAT = "%Y-%m-%d %H:%M"
# The date as a short weekday, day and month: CLDR's skeleton for it in each language.
DATE_SKELETON = "MMMEd"
# English reads day before month here, the way most of the network writes it ("Mon 7 Dec").
DATE_LOCALES = {"en": "en_GB"}


# The fields a short date is built from: weekday, day, month (abbreviated).
_FIELDS = {("E", 1), ("E", 2), ("E", 3), ("d", 1), ("d", 2), ("M", 3), ("L", 3)}


@functools.lru_cache(maxsize=16)
def _date_parts(language: str) -> tuple[tuple, dict, dict, bool]:
    """A language's short-date pattern as tokens, its weekday and month abbreviations, and
    whether its hours have a leading zero ("09:00"; Spanish writes "9:00")."""
    locale = locale_for(DATE_LOCALES.get(language, language))
    skeleton = locale.datetime_skeletons.get(DATE_SKELETON)
    tokens = tuple(tokenize_pattern(skeleton.pattern if skeleton else "E d MMM"))
    if any(kind == "field" and value not in _FIELDS for kind, value in tokens):
        tokens = tuple(tokenize_pattern("E d MMM"))
    days = locale.days["format"]["abbreviated"]
    months = locale.months["format"]["abbreviated"]
    zero = locale.time_formats["short"].pattern.startswith("HH")
    return tokens, days, months, zero


def _zone_label(local: dt.datetime) -> str:
    """The zone's abbreviation ("CET", "EST"), or its offset as "UTC-3" where the zone
    has no letters ("-03")."""
    return _label_of(local.tzname() or "")


@functools.lru_cache(maxsize=512)
def _label_of(name: str) -> str:
    if re.fullmatch(r"[+-]\d{2}(\d{2})?", name):
        hours, minutes = int(name[1:3]), name[3:5]
        return f"UTC{name[0]}{hours}{':' + minutes if minutes and minutes != '00' else ''}"
    return name


def in_zone(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The moment in that zone; in UTC when the zone's offset would leave the calendar
    (year 9999 east of UTC, year 1 west of it)."""
    try:
        return moment.astimezone(tz)
    except (OverflowError, ValueError):
        return moment.astimezone(dt.UTC)


def _language(language: str | None) -> str:
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code


def format_day(local: dt.datetime, language: str | None = None) -> str:
    """A local date as "Mon 7 Dec" / "lun 7 dic" / "Mo., 7. Dez." in the language."""
    return _day(_language(language), local.year, local.month, local.day)


@functools.lru_cache(maxsize=4096)
def _day(language: str, year: int, month: int, day: int) -> str:
    tokens, days, months, _zero = _date_parts(language)
    weekday = dt.date(year, month, day).weekday()
    parts = []
    for kind, value in tokens:
        if kind != "field":
            parts.append(value)
        elif value[0] == "E":
            parts.append(days[weekday])
        elif value[0] == "d":
            parts.append(f"{day:0{value[1]}d}")
        else:
            parts.append(months[month])
    return "".join(parts)


def format_clock(local: dt.datetime, language: str | None = None) -> str:
    """A local time on a 24-hour clock, as the language writes it: "19:00", "9:00"."""
    zero = _date_parts(_language(language))[3]
    return f"{local.hour:02d}:{local.minute:02d}" if zero else f"{local.hour}:{local.minute:02d}"


def _join(start: dt.datetime, end: dt.datetime, language: str) -> tuple[str, str, str]:
    """(start, end, span) of two local datetimes: "Mon 7 Dec, 19:00 CET", …,
    "Mon 7 Dec, 19:00–20:30 CET"."""
    zero = _date_parts(language)[3]
    day = _day(language, start.year, start.month, start.day)
    if zero:
        start_clock = f"{start.hour:02d}:{start.minute:02d}"
        end_clock = f"{end.hour:02d}:{end.minute:02d}"
    else:
        start_clock = f"{start.hour}:{start.minute:02d}"
        end_clock = f"{end.hour}:{end.minute:02d}"
    start_zone, end_zone = _zone_label(start), _zone_label(end)
    end_day = day if end.date() == start.date() else _day(language, end.year, end.month,
                                                            end.day)
    if end_day is day and start_zone == end_zone:
        span = f"{day}, {start_clock}–{end_clock} {end_zone}"
    elif end_day is day:
        span = f"{day}, {start_clock} {start_zone} – {end_clock} {end_zone}"
    else:
        span = f"{day}, {start_clock} {start_zone} – {end_day}, {end_clock} {end_zone}"
    return (f"{day}, {start_clock} {start_zone}", f"{end_day}, {end_clock} {end_zone}", span)


def format_moment(moment: dt.datetime, tz: dt.tzinfo, language: str | None = None) -> str:
    """E.g. "Mon 7 Dec, 19:00 CET" in that zone and language."""
    local = in_zone(moment, tz)
    language = _language(language)
    return f"{_day(language, local.year, local.month, local.day)}, " \
           f"{format_clock(local, language)} {_zone_label(local)}"


def format_span(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo,
                language: str | None = None) -> str:
    """E.g. "Mon 7 Dec, 19:00–20:30 CET"; "Mon 7 Dec, 23:00 CET – Tue 8 Dec, 01:00 CET"
    across midnight."""
    return _join(in_zone(start, tz), in_zone(end, tz), _language(language))[2]


def format_local(moment: dt.datetime, zone_name: str, language: str | None = None) -> str:
    """E.g. "Mon 7 Dec, 19:00 CET" in that zone (UTC when the zone is unknown), in the
    active language or the one given (an email's recipient's)."""
    return format_moment(moment, zone(zone_name) or dt.UTC, language)



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
    """Attach display strings to each session, in the active language: its start, end and
    span in the chapter's zone (`local_*`) and in the viewer's (`viewer_*`; UTC when the
    viewer's is unknown). `same_zone` is set when both read the same, so a page shows
    the time once. A few string operations a row: dates and zones are cached."""
    language = _language(None)
    other_zone = viewer or dt.UTC
    zones: dict[str, dt.tzinfo] = {}
    for session in sessions:
        name = session.chapter.timezone
        chapter_zone = zones.get(name) or zones.setdefault(name, zone(name) or dt.UTC)
        start, end = session.starts_at, session.ends_at
        session.local_start, session.local_end, session.local_span = _join(
            in_zone(start, chapter_zone), in_zone(end, chapter_zone), language)
        session.viewer_start, session.viewer_end, session.viewer_span = _join(
            in_zone(start, other_zone), in_zone(end, other_zone), language)
        session.iso_start = start.isoformat()
        session.same_zone = session.viewer_span == session.local_span

