"""Times in the chapter's zone and the viewer's: a Berlin session seen from New York."""

import datetime as dt

from django.urls import reverse

import pytest

from core.locale import zone
from onboarding.times import format_local, format_span, make_aware_strict
from tests.factories import make_session


def test_berlin_session_seen_from_new_york_across_the_dst_boundary(chapter_a, client):
    # 2030-03-28: New York is already on summer time (since 03-10), Berlin not until 03-31.
    starts = make_aware_strict(dt.datetime(2030, 3, 28, 19, 0), "Europe/Berlin")
    session = make_session(chapter_a, starts_at=starts, registration_closes_at=None)
    client.cookies["tz"] = "America%2FNew_York"
    content = client.get(reverse("onboarding:detail", args=[session.pk])).content.decode()
    assert "Thu 28 Mar, 19:00–21:00 CET" in content
    assert "Thu 28 Mar, 14:00–16:00 EDT" in content  # 5 hours apart that week, not 6
    # After Berlin's change too: 6 hours apart again.
    later = make_session(chapter_a, title="April", starts_at=make_aware_strict(
        dt.datetime(2030, 4, 4, 19, 0), "Europe/Berlin"))
    content = client.get(reverse("onboarding:detail", args=[later.pk])).content.decode()
    assert "Thu 4 Apr, 19:00–21:00 CEST" in content and "Thu 4 Apr, 13:00–15:00 EDT" in content


def test_without_a_time_zone_cookie_the_page_also_shows_utc(chapter_a, client):
    starts = make_aware_strict(dt.datetime(2030, 7, 1, 19, 0), "Europe/Berlin")
    make_session(chapter_a, starts_at=starts)
    content = client.get(reverse("onboarding:list")).content.decode()
    assert "Mon 1 Jul, 19:00–21:00 CEST" in content and "Mon 1 Jul, 17:00–19:00 UTC" in content


def test_garbage_time_zone_cookie_is_ignored(session_a, client):
    for value in ("Mars/Olympus", "../../etc/passwd", "x" * 5000, "%ZZ"):
        client.cookies["tz"] = value
        assert client.get(reverse("onboarding:list")).status_code == 200
        assert client.get(reverse("onboarding:detail", args=[session_a.pk])).status_code == 200


def test_dst_gap_and_ambiguous_hour():
    assert make_aware_strict(dt.datetime(2030, 3, 31, 2, 30), "Europe/Berlin") is None
    first = make_aware_strict(dt.datetime(2030, 10, 27, 2, 30), "Europe/Berlin")
    assert first == dt.datetime(2030, 10, 27, 0, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("language,berlin,new_york", [
    ("en", "Mon 7 Dec, 19:00–20:30 CET", "Mon 7 Dec, 13:00–14:30 EST"),
    ("it", "lun 7 dic, 19:00–20:30 CET", "lun 7 dic, 13:00–14:30 EST"),
    ("de", "Mo., 7. Dez., 19:00–20:30 CET", "Mo., 7. Dez., 13:00–14:30 EST"),
    ("fr", "lun. 7 déc., 19:00–20:30 CET", "lun. 7 déc., 13:00–14:30 EST"),
    ("es", "lun, 7 dic, 19:00–20:30 CET", "lun, 7 dic, 13:00–14:30 EST"),
])
def test_times_read_as_people_read_them_in_every_language(chapter_a, client, language,
                                                           berlin, new_york):
    starts = make_aware_strict(dt.datetime(2026, 12, 7, 19, 0), "Europe/Berlin")
    session = make_session(chapter_a, starts_at=starts, ends_at=starts + dt.timedelta(
        minutes=90), registration_closes_at=None)
    client.cookies["tz"] = "America%2FNew_York"
    for url in (reverse("onboarding:detail", args=[session.pk]), reverse("onboarding:list"),
                chapter_a.get_absolute_url()):
        content = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert berlin in content and new_york in content, url
        assert "2026-12-07" not in content.replace('datetime="2026-12-07', "")


def test_one_zone_is_shown_once_and_midnight_is_crossed_plainly(chapter_a, client):
    starts = make_aware_strict(dt.datetime(2026, 12, 7, 23, 0), "Europe/Berlin")
    session = make_session(chapter_a, starts_at=starts, registration_closes_at=None)
    client.cookies["tz"] = "Europe%2FBerlin"
    content = client.get(reverse("onboarding:detail", args=[session.pk])).content.decode()
    assert "Mon 7 Dec, 23:00 CET – Tue 8 Dec, 01:00 CET" in content
    assert "Your time:" not in content


def test_zones_without_letters_read_as_offsets():
    starts = dt.datetime(2026, 7, 7, 18, 0, tzinfo=dt.UTC)
    assert format_span(starts, starts + dt.timedelta(hours=1), zone("America/Sao_Paulo"),
                       "en") == "Tue 7 Jul, 15:00–16:00 UTC-3"
    assert format_span(starts, starts + dt.timedelta(hours=1), zone("Asia/Kathmandu"),
                       "it") == "mar 7 lug, 23:45 UTC+5:45 – mer 8 lug, 00:45 UTC+5:45"


def test_year_9999_and_far_zones_do_not_fail():
    end_of_time = dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC)
    assert format_local(end_of_time, "Pacific/Kiritimati", "de").endswith("UTC")
    assert format_span(end_of_time, end_of_time, zone("Asia/Tokyo"), "it")
