"""Garbage in, never a 500: every GET parameter and form field named in the permission table.

The targets come from TABLE (test_url_permissions.py): an entry's `query` names the GET
parameters to fuzz, its `form` the POST fields, and every entry with `kwargs` gets unknown and
huge ids in its URL. A new page joins by being in the table.
Each page is requested as the most privileged persona that the table lets in, so the
fuzzed code path is the full one.

Garbage includes NUL bytes (PostgreSQL refuses them: run this module on both databases),
dates at the ends of the calendar, and every time-zone cookie a browser may send, with
sessions stored in year 1 and year 9999.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from html import escape

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.security.conftest import ALL_PERSONAS
from tests.security.test_url_permissions import LOGIN, TABLE

FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# Dates and months as forms and queries spell them, at and beyond the ends of the calendar.
extreme_dates = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59))
    .flatmap(lambda d: st.sampled_from([d.strftime("%Y-%m-%dT%H:%M"), d.strftime("%Y-%m-%d %H:%M"),
                                        d.strftime("%Y-%m"), d.strftime("%Y-%m-%d")])),
    st.sampled_from(["0001-01-01T00:30", "9999-12-31T23:30", "9999-12", "0001-01", "0000-01",
                     "10000-01", "9999-12-31", "0001-01-01", "2026-02-30T10:00"]),
)
# Text with NUL bytes somewhere in it (PostgreSQL's DataError, SQLite stores them).
with_nul = st.tuples(st.text(max_size=20), st.text(max_size=20)).map(lambda t: f"{t[0]}\x00{t[1]}")

# Text of every kind, numbers far out of range, and other types' spellings.
garbage = st.one_of(
    extreme_dates,
    with_nul,
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.integers().map(str),
    st.integers(min_value=10**18, max_value=10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "-1", "0", "null", "[]", "{}", "true", "1e309", "NaN",
                     "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --",
                     "%00", "\x00", "9" * 5000, "ü" * 1000]),
)
# A parameter given once, or several times.
values = st.one_of(garbage, st.lists(garbage, min_size=2, max_size=3))


def privileged_persona(name: str) -> str:
    expect = TABLE[name]
    return next((p for p in reversed(ALL_PERSONAS) if expect.outcome(p) not in (LOGIN, 403, 404)),
                "admin")


def url_value(example, regex: str):
    """Garbage that still fits the URL converter of the example value (int, slug, token)."""
    if isinstance(example, int):
        return st.integers(min_value=0, max_value=10**40)
    return st.from_regex(regex, fullmatch=True).filter(lambda v: len(v) <= 200)


def converter_regexes(name: str, kwargs: dict) -> dict[str, str]:
    """Each URL argument's converter regex, read from the route the example resolves to."""
    from django.urls import resolve, reverse
    from django.urls.converters import get_converters

    route = resolve(reverse(name, kwargs=kwargs)).route
    found = {arg: conv or "str" for conv, arg in re.findall(r"<(?:(\w+):)?(\w+)>", route)}
    return {arg: get_converters()[conv].regex for arg, conv in found.items()}


def _reverse(name, kwargs):
    from django.urls import reverse

    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # e.g. an int beyond what the route's regex spells
        assume(False)


ID_TARGETS = sorted(name for name, expect in TABLE.items() if expect.kwargs)
QUERY_TARGETS = sorted(name for name, expect in TABLE.items() if expect.query)
FORM_TARGETS = sorted(name for name, expect in TABLE.items() if expect.form)


def test_the_fuzzed_pages_include_the_lists_and_the_sign_in_forms():
    assert {"chapters:directory", "onboarding:list", "audit:log"} <= set(QUERY_TARGETS)
    assert {"account_signup", "account_request_login_code"} <= set(FORM_TARGETS)


@pytest.mark.parametrize("name", QUERY_TARGETS)
def test_garbage_query_parameters_never_cause_a_server_error(name, world):
    expect = TABLE[name]
    client = world.client(privileged_persona(name))
    url = expect.url(name, world)

    @FUZZ
    @given(st.fixed_dictionaries({}, optional={param: values for param in expect.query}))
    def check(params):
        response = client.get(url, params, headers={"HX-Request": "true"})
        assert response.status_code in (200, 400, 404), (params, response.status_code)

    check()


@pytest.mark.parametrize("name", ID_TARGETS)
def test_unknown_or_huge_ids_in_the_url_never_cause_a_server_error(name, world):
    expect = TABLE[name]
    client = world.client(privileged_persona(name))
    examples = expect.kwargs(world)

    regexes = converter_regexes(name, examples)

    @FUZZ
    @given(st.fixed_dictionaries({key: url_value(value, regexes[key])
                                  for key, value in examples.items()}))
    def check(kwargs):
        response = getattr(client, expect.method)(_reverse(name, kwargs))
        assert response.status_code < 500, (kwargs, response.status_code)

    check()


@pytest.mark.parametrize("name", ID_TARGETS)
def test_a_nul_byte_in_a_url_argument_is_a_400(name, world):
    """Every URL argument, percent-encoded NUL in the middle of a valid value."""
    from django.urls import reverse

    expect = TABLE[name]
    client = world.client(privileged_persona(name))
    kwargs = expect.kwargs(world)
    url = reverse(name, kwargs=kwargs)
    for key, value in kwargs.items():
        text = str(value)
        poisoned = url.replace(f"/{text}/", f"/{text[:1]}%00{text[1:]}/", 1)
        response = getattr(client, expect.method)(poisoned)
        assert response.status_code == 400, (key, poisoned, response.status_code)


def _kept(value: str, html: str) -> bool:
    return escape(value, quote=True) in html or escape(value, quote=False) in html


@pytest.mark.parametrize("name", FORM_TARGETS)
def test_garbage_form_data_is_refused_with_what_was_typed_kept(name, world):
    expect = TABLE[name]
    url = expect.url(name, world)
    client = world.client(expect.form_persona)

    @FUZZ
    @given(st.fixed_dictionaries({field: garbage for field in expect.form}))
    def check(data):
        cache.clear()  # rate limits would otherwise answer every later example
        response = client.post(url, data)
        if any("\x00" in value for value in data.values()):
            # One rule for every form (twc.middleware.RefuseNulBytesMiddleware): a NUL byte,
            # which no keyboard types, refuses the whole request before any form sees it.
            assert response.status_code == 400, (data, response.status_code)
            return
        assert response.status_code in (200, 302, 400), (data, response.status_code)
        if response.status_code != 302:
            html = response.content.decode()
            for field, value in data.items():
                if field in expect.choices:
                    continue
                # Surrounding spaces and control characters are the browser's to keep.
                if value == value.strip() and not re.search(r"[\x00-\x1f\x7f]", value):
                    assert _kept(value, html), (value, response.status_code)

    check()


# -- Every time-zone cookie, with sessions at the ends of the calendar -----------------------

# app.js writes the cookie percent-encoded; a browser sends only Latin-1 bytes in a header.
ZONE_COOKIES = sorted(zoneinfo.available_timezones()) + [
    "", "Mars/Olympus_Mons", "Europe%2FBerlin", "UTC+14", "Etc/GMT-14", "../../etc/passwd",
    "x" * 5000, "Europe/Berlin\x00", "%00", "Europe%2FBerlin%00", "%E2%80%AE", "%C3%BC" * 100,
    "%FF%FE", "%",
]


def _offsets(name: str) -> tuple:
    """The zone's UTC offsets at the first and the last day of the calendar."""
    tz = zoneinfo.ZoneInfo(name)
    return tz.utcoffset(dt.datetime(1, 1, 2)), tz.utcoffset(dt.datetime(9999, 12, 30))


def _representatives() -> list[str]:
    """The zones furthest east and west at either end of the calendar, and one zone for each
    pair of signs of those offsets (east, west or UTC): what decides whether a time leaves
    the calendar. Every zone is drawn by hypothesis below, and formatted directly in
    tests/security/test_bad_input.py."""
    zones = sorted(zoneinfo.available_timezones())
    picked = {min(zones, key=lambda n: _offsets(n)[i]) for i in (0, 1)}
    picked |= {max(zones, key=lambda n: _offsets(n)[i]) for i in (0, 1)}
    sign = lambda d: (d > dt.timedelta(0)) - (d < dt.timedelta(0))  # noqa: E731
    picked |= set({tuple(map(sign, _offsets(n))): n for n in zones}.values())
    return sorted(picked)


REPRESENTATIVE_COOKIES = _representatives() + ZONE_COOKIES[-14:]


@pytest.fixture
def pages_at_the_ends_of_time(world):
    """A session in year 9999 and one in year 1 of chapter A, saved directly (as before the
    form bounded dates, or by a script), and every page that shows them."""
    from django.urls import reverse

    from tests.factories import make_registration, make_session

    chapter = world.chapter_a
    last = make_session(chapter, starts_at=dt.datetime(9999, 12, 31, 22, 30, tzinfo=dt.UTC),
                        hours=1)
    first = make_session(chapter, starts_at=dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.UTC), hours=1)
    registration = make_registration(last, "late@example.org")
    return [reverse("onboarding:list"), reverse("onboarding:detail", args=[last.pk]),
            reverse("onboarding:registration", args=[registration.token]),
            reverse("chapters:detail", args=[world.chapter_a.slug]),
            reverse("onboarding:manage", args=[world.chapter_a.slug]),
            reverse("onboarding:attendees", args=[last.pk]),
            reverse("onboarding:edit", args=[last.pk]),
            reverse("onboarding:edit", args=[first.pk])]


def _expected(cookie: str) -> int:
    # A NUL byte in the cookie is refused as a whole (400); anything else renders.
    return 400 if "\x00" in cookie else 200


def test_each_kind_of_time_zone_cookie_renders_sessions_at_the_ends_of_time(
        world, pages_at_the_ends_of_time):
    organizer = world.client("organizer")
    failures = []
    for cookie in REPRESENTATIVE_COOKIES:
        organizer.cookies["tz"] = cookie
        for url in pages_at_the_ends_of_time:
            status = organizer.get(url).status_code
            if status != _expected(cookie):
                failures.append((cookie, url, status))
    assert not failures, failures[:10]


def test_any_time_zone_cookie_renders_sessions_at_the_ends_of_time(
        world, pages_at_the_ends_of_time):
    organizer = world.client("organizer")

    @FUZZ
    @given(st.sampled_from(ZONE_COOKIES), st.sampled_from(pages_at_the_ends_of_time))
    def check(cookie, url):
        organizer.cookies["tz"] = cookie
        assert organizer.get(url).status_code == _expected(cookie), (cookie, url)

    check()
