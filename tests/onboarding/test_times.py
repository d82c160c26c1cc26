"""Times in the chapter's zone and the viewer's: a Berlin session seen from New York."""

import datetime as dt

from django.urls import reverse

from onboarding.times import make_aware_strict
from tests.onboarding.factories import make_session


def test_berlin_session_seen_from_new_york_across_the_dst_boundary(chapter_a, client):
    # 2030-03-28: New York is already on summer time (since 03-10), Berlin not until 03-31.
    starts = make_aware_strict(dt.datetime(2030, 3, 28, 19, 0), "Europe/Berlin")
    session = make_session(chapter_a, starts_at=starts, registration_closes_at=None)
    client.cookies["tz"] = "America%2FNew_York"
    content = client.get(reverse("onboarding:detail", args=[session.pk])).content.decode()
    assert "2030-03-28 19:00 CET" in content
    assert "2030-03-28 14:00 EDT" in content  # 5 hours apart that week, not 6
    # After Berlin's change too: 6 hours apart again.
    later = make_session(chapter_a, title="April", starts_at=make_aware_strict(
        dt.datetime(2030, 4, 4, 19, 0), "Europe/Berlin"))
    content = client.get(reverse("onboarding:detail", args=[later.pk])).content.decode()
    assert "2030-04-04 19:00 CEST" in content and "2030-04-04 13:00 EDT" in content


def test_without_a_time_zone_cookie_the_page_also_shows_utc(chapter_a, client):
    starts = make_aware_strict(dt.datetime(2030, 7, 1, 19, 0), "Europe/Berlin")
    make_session(chapter_a, starts_at=starts)
    content = client.get(reverse("onboarding:list")).content.decode()
    assert "2030-07-01 19:00 CEST" in content and "2030-07-01 17:00 UTC" in content


def test_garbage_time_zone_cookie_is_ignored(session_a, client):
    for value in ("Mars/Olympus", "../../etc/passwd", "x" * 5000, "%ZZ"):
        client.cookies["tz"] = value
        assert client.get(reverse("onboarding:list")).status_code == 200
        assert client.get(reverse("onboarding:detail", args=[session_a.pk])).status_code == 200


def test_dst_gap_and_ambiguous_hour():
    assert make_aware_strict(dt.datetime(2030, 3, 31, 2, 30), "Europe/Berlin") is None
    first = make_aware_strict(dt.datetime(2030, 10, 27, 2, 30), "Europe/Berlin")
    assert first == dt.datetime(2030, 10, 27, 0, 30, tzinfo=dt.UTC)
