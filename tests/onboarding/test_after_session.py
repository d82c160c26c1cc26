"""Check-in on a phone, follow-up emails, and the funnel."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.enums import MembershipStatus
from onboarding.funnel import funnel
from onboarding.models import RegistrationStatus as S
from tests import factories
from tests.factories import make_registration, make_session


@pytest.fixture
def starting_soon(chapter_a):
    """A session starting in half an hour: check-in is open."""
    return make_session(chapter_a, days=1 / 48)


def test_check_in_with_plain_forms(alice, starting_soon, as_user):
    registration = make_registration(starting_soon)
    url = reverse("onboarding:check_in", args=[starting_soon.pk, registration.pk])
    response = as_user(alice).post(url, {"attended": "1"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == S.ATTENDED and registration.checked_in_by == alice
    as_user(alice).post(url, {"attended": "0"})
    registration.refresh_from_db()
    assert registration.status == S.NO_SHOW


def test_check_in_with_htmx_returns_only_the_row(alice, starting_soon, as_user):
    registration = make_registration(starting_soon, name="Rosa")
    url = reverse("onboarding:check_in", args=[starting_soon.pk, registration.pk])
    response = as_user(alice).post(url, {"attended": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert f'id="person-{registration.pk}"' in content and "<html" not in content
    assert 'aria-pressed="true"' in content
    # The follow-up list comes along, swapped out of band, now naming Rosa.
    follow_up = content[content.index('id="follow-up"'):]
    assert 'data-hx-swap-oob="true"' in follow_up and "Rosa" in follow_up
    response = as_user(alice).post(url, {"attended": "0"}, headers={"HX-Request": "true"})
    follow_up = response.content.decode().split('id="follow-up"')[1]
    # Nobody attended now: not "everyone has been followed up".
    assert "Rosa" not in follow_up and "Every attendee has been followed up." not in follow_up
    assert "Nobody has been checked in as attended yet." in follow_up


def test_check_in_page_lists_people_with_big_buttons(alice, starting_soon, as_user):
    make_registration(starting_soon, name="Rosa")
    page = as_user(alice).get(reverse("onboarding:attendees", args=[starting_soon.pk]))
    assert b"Rosa" in page.content and b"checkin-toggle" in page.content


@pytest.mark.parametrize("who", ["anonymous", "carol", "bob", "coach", "admin_user"])
def test_others_cannot_check_in(who, session_a, request, as_user):
    registration = make_registration(session_a)
    client = as_user(request.getfixturevalue(who)) if who != "anonymous" else Client()
    url = reverse("onboarding:check_in", args=[session_a.pk, registration.pk])
    assert client.post(url, {"attended": "1"}).status_code == 403
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_check_in_bad_input(alice, starting_soon, as_user, chapter_b):
    registration = make_registration(starting_soon)
    other = make_registration(make_session(chapter_b))
    client = as_user(alice)
    url = reverse("onboarding:check_in", args=[starting_soon.pk, registration.pk])
    assert client.post(url, {"attended": "maybe"}).status_code == 400
    assert client.post(url).status_code == 400
    assert client.get(url).status_code == 405
    foreign = reverse("onboarding:check_in", args=[starting_soon.pk, other.pk])
    assert client.post(foreign, {"attended": "1"}).status_code == 404
    huge = f"/sessions/manage/{starting_soon.pk}/check-in/99999999999999999999/"
    assert client.post(huge, {"attended": "1"}).status_code == 404
    pending = make_registration(starting_soon, status=S.PENDING)
    pending_url = reverse("onboarding:check_in", args=[starting_soon.pk, pending.pk])
    assert client.post(pending_url, {"attended": "1"}).status_code == 400


def test_follow_up_emails_attendees_once_with_a_join_link(alice, session_a, as_user, emails):
    came = make_registration(session_a, "came@example.org", status=S.ATTENDED)
    make_registration(session_a, "absent@example.org", status=S.NO_SHOW)
    page = as_user(alice).get(reverse("onboarding:attendees", args=[session_a.pk]))
    assert b"not yet followed up" in page.content
    url = reverse("onboarding:follow_up", args=[session_a.pk])
    assert as_user(alice).post(url).status_code == 302
    as_user(alice).post(url)
    sent = emails()
    assert [m.to for m in sent] == [["came@example.org"]]
    assert "/chapters/alpha/join/" in sent[0].body
    came.refresh_from_db()
    assert came.followed_up_at is not None
    page = as_user(alice).get(reverse("onboarding:attendees", args=[session_a.pk]))
    assert b"Every attendee has been followed up" in page.content


def test_funnel_counts_registered_attended_asked_and_became_members(chapter_a):
    march = dt.datetime(2030, 3, 12, 18, tzinfo=dt.UTC)
    session = make_session(chapter_a, starts_at=march)
    make_registration(session, "a@example.org", status=S.ATTENDED)
    make_registration(session, "b@example.org", status=S.ATTENDED)
    make_registration(session, "c@example.org", status=S.NO_SHOW)
    make_registration(session, "d@example.org", status=S.PENDING)  # never confirmed
    asked = factories.make_user("a@example.org")
    factories.make_membership(asked, chapter_a, status=MembershipStatus.PENDING,
                              requested_at=march + dt.timedelta(days=2))
    joined = factories.make_user("b@example.org")
    factories.make_membership(joined, chapter_a, status=MembershipStatus.ACTIVE,
                              requested_at=march + dt.timedelta(days=3))
    stranger = factories.make_user("z@example.org")
    factories.make_membership(stranger, chapter_a, requested_at=march)
    assert funnel(chapter_a, 2030, 3) == {
        "registered": 3, "attended": 2, "asked_to_join": 2, "became_members": 1,
    }
    assert funnel(chapter_a, 2030, 4)["registered"] == 0


def test_funnel_page_for_organizers_and_admins_only(alice, admin_user, chapter_a, as_user,
                                                    carol, bob, coach):
    url = reverse("onboarding:funnel", args=[chapter_a.slug]) + "?month=2030-03"
    assert as_user(alice).get(url).status_code == 200
    assert as_user(admin_user).get(url).status_code == 200
    for person in (carol, bob, coach):
        assert as_user(person).get(url).status_code == 403
    assert Client().get(url).status_code == 403
    assert as_user(alice).get(url.replace("2030-03", "2030-13")).status_code == 400
    assert as_user(alice).get(url.replace("2030-03", "garbage")).status_code == 400
    assert as_user(alice).get("/sessions/chapter/nope/funnel/").status_code == 404


def test_follow_up_not_sent_twice_even_if_attendance_changes(alice, session_a):
    from onboarding import services
    registration = make_registration(session_a, status=S.ATTENDED,
                                     followed_up_at=timezone.now())
    assert services.follow_up(session_a, actor=alice) == 0
    assert registration.pk


# -- Check-in opens at the door, not days ahead --------------------------------------------


def test_check_in_is_closed_days_before_the_session(alice, session_a, as_user):
    registration = make_registration(session_a, name="Rosa")
    client = as_user(alice)
    page = client.get(reverse("onboarding:attendees", args=[session_a.pk])).content.decode()
    assert "Rosa" in page and "checkin-toggle" not in page
    assert "Check-in opens at" in page
    url = reverse("onboarding:check_in", args=[session_a.pk, registration.pk])
    response = client.post(url, {"attended": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 400 and b"Check-in opens at" in response.content
    plain = client.post(url, {"attended": "1"})
    assert plain.status_code == 302
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_check_in_opens_an_hour_before_the_start(chapter_a):
    from onboarding import services

    session = make_session(chapter_a, days=1)
    registration = make_registration(session)
    early = session.starts_at - dt.timedelta(minutes=61)
    with pytest.raises(services.CheckInNotOpen):
        services.set_attendance(registration, attended=True, actor=None, now=early)
    at_the_door = session.starts_at - dt.timedelta(minutes=59)
    assert services.set_attendance(registration, attended=True, actor=None,
                                   now=at_the_door).status == S.ATTENDED
    late = session.ends_at + dt.timedelta(days=2)  # marked the next days: still allowed
    assert services.set_attendance(registration, attended=False, actor=None,
                                   now=late).status == S.NO_SHOW


def test_no_sign_up_is_not_everyone_followed_up(alice, session_a, as_user):
    page = as_user(alice).get(reverse("onboarding:attendees", args=[session_a.pk]))
    assert b"Nobody has signed up yet." in page.content
    assert b"Every attendee has been followed up." not in page.content


def test_everyone_followed_up_is_said_once_they_all_were(alice, session_a, as_user):
    make_registration(session_a, status=S.ATTENDED, followed_up_at=timezone.now())
    page = as_user(alice).get(reverse("onboarding:attendees", args=[session_a.pk]))
    assert b"Every attendee has been followed up." in page.content
