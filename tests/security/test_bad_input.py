"""Input a browser can send is a 4xx, never a 500: NUL bytes anywhere, malformed registration
tokens, dates at the ends of the calendar, and a stored session in year 9999 seen from every
time zone. PostgreSQL refuses NUL in text (DataError) where SQLite stores it, so these run on
both databases."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from cdp.enums import ApplicationState
from members.models import Membership
from onboarding.models import OnboardingSession, Registration
from tests import factories
from tests.factories import make_application, make_milestone, make_place
from tests.factories import make_registration, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(chapter_a):
    return make_registration(make_session(chapter_a), "newcomer@example.org")


@pytest.mark.parametrize("suffix", ["", "session.ics", "confirm/", "cancel/"])
def test_a_nul_byte_in_a_registration_token_is_a_400(client, registration, suffix):
    method = client.post if suffix in ("confirm/", "cancel/") else client.get
    response = method(f"/sessions/r/abc%00def/{suffix}")
    assert response.status_code == 400


@pytest.mark.parametrize("suffix", ["", "session.ics", "confirm/", "cancel/"])
def test_a_malformed_token_is_a_404_before_any_query(client, registration,
                                                     django_assert_num_queries, suffix):
    method = client.post if suffix in ("confirm/", "cancel/") else client.get
    with django_assert_num_queries(0):
        assert method(f"/sessions/r/abc$def!/{suffix}").status_code == 404
        assert method(f"/sessions/r/{'a' * 65}/{suffix}").status_code == 404


def test_a_real_token_still_opens_the_registration(client, registration):
    response = client.get(reverse("onboarding:registration", args=[registration.token]))
    assert response.status_code == 200


def test_a_nul_byte_in_a_decline_message_is_a_400_and_nothing_is_decided(alice, chapter_a):
    applicant = factories.make_user("asker@example.org")
    membership = factories.make_membership(applicant, chapter_a, status="pending")
    response = factories_client(alice).post(
        reverse("members:decide", args=[chapter_a.slug]),
        {"decide": f"decline:{membership.pk}", "message": "no\x00thanks"})
    assert response.status_code == 400
    assert Membership.objects.get(pk=membership.pk).status == "pending"


@pytest.mark.parametrize("reason, status, state", [
    ("because\x00", 400, ApplicationState.IN_PROGRAM),
    ("because", 302, ApplicationState.LAUNCHED),
])
def test_a_nul_byte_in_a_launch_override_reason_is_a_400(admin_user, coach, reason, status,
                                                         state):
    make_milestone("Core group", required=True)  # not verified: the launch needs an override
    application = make_application(factories.make_user("founder@example.org"),
                                   state=ApplicationState.IN_PROGRAM, coach=coach,
                                   place=make_place())
    response = factories_client(admin_user).post(
        reverse("cdp:launch", args=[application.pk]), {"override_reason": reason})
    assert response.status_code == status
    application.refresh_from_db()
    assert application.state == state


@pytest.mark.parametrize("where", ["query", "sign-in form", "cookie", "query key"])
def test_a_nul_byte_anywhere_else_is_a_400(client, where):
    if where == "query":
        response = client.get("/chapters/", {"q": "Berl\x00in"})
    elif where == "query key":
        response = client.get("/chapters/?q%00=1")
    elif where == "sign-in form":
        response = client.post(reverse("account_request_login_code"),
                               {"email": "a\x00@example.org"})
    else:
        client.cookies["sessionid"] = "abc\x00def"
        response = client.get("/chapters/")
    assert response.status_code == 400


def test_an_admin_form_with_a_nul_byte_is_a_400(admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    response = factories_client(admin_user).post("/admin/login/", {"username": "x\x00"})
    assert response.status_code == 400


def factories_client(user) -> Client:
    from tests.conftest import signed_in

    return signed_in(user)


# -- Dates at the ends of the calendar -------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12"])
def test_a_funnel_month_out_of_range_is_a_400(alice, chapter_a, month):
    response = factories_client(alice).get(
        reverse("onboarding:funnel", args=[chapter_a.slug]), {"month": month})
    assert response.status_code == 400
    assert "Choose a month between" in response.content.decode()


def test_a_funnel_month_within_range_is_shown(alice, chapter_a):
    response = factories_client(alice).get(
        reverse("onboarding:funnel", args=[chapter_a.slug]), {"month": "2024-03"})
    assert response.status_code == 200


def _session_form(starts: str, ends: str) -> dict:
    return {"title": "Welcome", "description": "", "starts_at": starts, "ends_at": ends,
            "format": "online", "language": "en", "capacity": 10, "facilitators": "",
            "venue_address": "", "call_link": "https://call.example.org/x",
            "registration_closes_at": ""}


@pytest.mark.parametrize("starts, ends", [
    ("0001-01-01T00:30", "0001-01-01T01:30"),
    ("9999-12-31T22:00", "9999-12-31T23:00"),
    ("2150-01-01T18:00", "2150-01-01T19:00"),
])
def test_a_session_far_from_today_is_refused_next_to_the_field(alice, chapter_b, starts, ends):
    # chapter_b is in Rome, east of UTC: year 1 and 9999 leave the calendar there.
    organizer = factories.make_organizer(chapter_b, "rome@example.org")
    response = factories_client(organizer).post(
        reverse("onboarding:create", args=[chapter_b.slug]), _session_form(starts, ends))
    assert response.status_code == 400
    assert "Choose a time within five years of today." in response.content.decode()
    assert not OnboardingSession.objects.filter(chapter=chapter_b).exists()


def test_a_session_next_year_is_saved(chapter_b):
    organizer = factories.make_organizer(chapter_b, "rome@example.org")
    year = dt.date.today().year + 1
    response = factories_client(organizer).post(
        reverse("onboarding:create", args=[chapter_b.slug]),
        _session_form(f"{year}-03-10T18:00", f"{year}-03-10T19:00"))
    assert response.status_code == 302


@pytest.fixture
def sessions_at_the_ends_of_time(chapter_a):
    """Rows saved before the bound existed (or by a script): the pages must still render."""
    last = make_session(chapter_a, starts_at=dt.datetime(9999, 12, 31, 22, 30, tzinfo=dt.UTC),
                        hours=1, title="Last session")
    first = make_session(chapter_a, starts_at=dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.UTC),
                         hours=1, title="First session")
    return last, first


EXTREME_ZONES = ["Pacific/Kiritimati", "Asia/Tokyo", "Europe/Berlin", "America/New_York",
                 "Pacific/Pago_Pago", "UTC"]


@pytest.mark.parametrize("zone", EXTREME_ZONES)
def test_a_session_in_year_9999_renders_for_every_visitor_zone(
        client, chapter_a, alice, sessions_at_the_ends_of_time, zone):
    last, first = sessions_at_the_ends_of_time
    registration = make_registration(last, "late@example.org")
    organizer = factories_client(alice)
    for browser in (client, organizer):
        browser.cookies["tz"] = zone
    urls = [reverse("onboarding:list"), reverse("chapters:detail", args=[chapter_a.slug]),
            reverse("onboarding:detail", args=[last.pk]),
            reverse("onboarding:registration", args=[registration.token])]
    for url in urls:
        assert client.get(url).status_code == 200, url
    for session in (last, first):
        assert organizer.get(reverse("onboarding:edit", args=[session.pk])).status_code == 200
        assert organizer.get(reverse("onboarding:attendees", args=[session.pk])).status_code == 200
    assert organizer.get(reverse("onboarding:manage", args=[chapter_a.slug])).status_code == 200


def test_every_zone_the_browser_may_report_formats_the_ends_of_time():
    from onboarding.times import annotate_times

    chapter = type("C", (), {"timezone": "Pacific/Kiritimati"})()
    sessions = [
        type("S", (), {"chapter": chapter, "starts_at": moment,
                       "ends_at": moment + dt.timedelta(minutes=59)})()
        for moment in (dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC),
                       dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC))
    ]
    for name in sorted(zoneinfo.available_timezones()):
        annotate_times(sessions, zoneinfo.ZoneInfo(name))
        assert all(s.viewer_start and s.local_start for s in sessions)


def test_registration_rows_are_untouched_by_refused_requests(client, registration):
    client.post(f"/sessions/r/{registration.token}%00/cancel/")
    assert Registration.objects.get(pk=registration.pk).status == registration.status


@pytest.mark.parametrize("header", ["HTTP_USER_AGENT", "HTTP_X_FORWARDED_FOR", "HTTP_REFERER"])
def test_a_nul_byte_in_a_header_is_a_400(alice, header):
    # The person's signed-in browsers keep the user agent and address (allauth's
    # usersessions): PostgreSQL refuses a NUL there with a DataError. gunicorn refuses such
    # a header itself; another server in front may not.
    from allauth.usersessions.models import UserSession

    client = Client(**{header: "Mozilla/5.0\x00evil"})
    client.force_login(alice)
    before = UserSession.objects.count()
    response = client.get(reverse("members:me"))
    assert response.status_code == 400
    assert UserSession.objects.count() == before
