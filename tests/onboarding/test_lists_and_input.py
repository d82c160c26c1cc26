"""The public list: filters, pagination, constant queries; bad input never answers 500."""

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from onboarding.models import OnboardingSession, Registration
from tests.factories import make_registration, make_session


def fill(chapters, count):
    for number in range(count):
        chapter = chapters[number % len(chapters)]
        session = make_session(chapter, title=f"S{number}", days=1 + number,
                               language="de" if number % 2 else "en", capacity=2)
        make_registration(session)


def test_list_filters_by_chapter_language_and_format(chapter_a, chapter_b, client):
    make_session(chapter_a, title="Berlin English", language="en", format="online")
    make_session(chapter_b, title="Milano italiano", language="it", format="in_person",
                 venue_address="Via 1")
    content = client.get(reverse("onboarding:list") + "?chapter=beta").content
    assert b"Milano italiano" in content and b"Berlin English" not in content
    content = client.get(reverse("onboarding:list") + "?language=en").content
    assert b"Berlin English" in content and b"Milano italiano" not in content
    content = client.get(reverse("onboarding:list") + "?format=in_person").content
    assert b"Milano italiano" in content and b"Berlin English" not in content


def test_list_htmx_returns_the_results_partial(session_a, client):
    response = client.get(reverse("onboarding:list"), headers={"HX-Request": "true"})
    assert b"<html" not in response.content and session_a.title.encode() in response.content


def test_past_sessions_are_not_listed(chapter_a, client):
    make_session(chapter_a, title="Long gone", days=-3)
    assert b"Long gone" not in client.get(reverse("onboarding:list")).content


@pytest.mark.parametrize("query", [
    "?chapter=nope", "?language=xx", "?format=party", "?page=999999999999",
    "?page=-1", "?page=abc", "?chapter=%00", "?chapter=" + "a" * 5000,
])
def test_garbage_list_parameters_never_500(query, session_a, client):
    assert client.get(reverse("onboarding:list") + query).status_code in (200, 400)


@pytest.mark.parametrize("url", [
    "/sessions/0/", "/sessions/99999999999999999999999/",
    "/sessions/99999999999999999999999/session.ics",
    "/sessions/123456/check-email/", "/sessions/chapter/nope/feed.ics",
    "/sessions/chapter/nope/flyer/", "/sessions/manage/99999999999999999999/",
    "/sessions/manage/99999999999999999999/edit/", "/sessions/chapter/nope/manage/",
])
def test_garbage_ids_are_404(url, db, alice, as_user):
    assert Client().get(url).status_code == 404
    assert as_user(alice).get(url).status_code == 404


def test_code_form_garbage_never_500(session_a, client):
    url = reverse("onboarding:check_email", args=[session_a.pk])
    for data in ({}, {"email": "x", "code": "y" * 100}, {"email": "a@example.org", "code": ""}):
        assert client.post(url, data).status_code == 400


def test_list_queries_are_constant(chapter_a, chapter_b, client, django_assert_num_queries):
    # The data versions, the count, the page; new sessions make a new version: rendered anew.
    fill([chapter_a, chapter_b], 3)
    with django_assert_num_queries(3) as small:
        client.get(reverse("onboarding:list"))
    fill([chapter_a, chapter_b], 15)
    with django_assert_num_queries(3) as large:
        response = client.get(reverse("onboarding:list"))
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.context["page_obj"].paginator.count == 18


def render_tag(chapter):
    return Template("{% load onboarding %}{% chapter_sessions chapter %}").render(
        Context({"chapter": chapter}))


def test_chapter_sessions_tag_shows_next_three_with_constant_queries(
        chapter_a, django_assert_num_queries):
    fill([chapter_a], 2)
    with django_assert_num_queries(1):
        small = render_tag(chapter_a)
    fill([chapter_a], 6)
    with django_assert_num_queries(1):
        large = render_tag(chapter_a)
    assert small.count('class="card"') == 2 and large.count('class="card"') == 3
    assert "1 place left" in large and "Sign up" in large


def test_chapter_sessions_tag_shows_full_and_cancelled(chapter_a):
    full = make_session(chapter_a, title="Full one", capacity=1, days=1)
    make_registration(full)
    make_session(chapter_a, title="Called off", days=2, status="cancelled")
    html = render_tag(chapter_a)
    assert "waitlist" in html and "Cancelled" in html


def test_my_registrations_queries_are_constant(carol, chapter_a, django_assert_num_queries):
    template = Template("{% load onboarding %}{% my_registrations user %}")
    for number in range(2):
        make_registration(make_session(chapter_a, title=f"T{number}"), "carol@example.org")
    with django_assert_num_queries(1):
        small = template.render(Context({"user": carol}))
    for number in range(2, 8):
        make_registration(make_session(chapter_a, title=f"T{number}"), "carol@example.org")
    with django_assert_num_queries(1):
        large = template.render(Context({"user": carol}))
    assert small.count("<li>") == 2 and large.count("<li>") == 8


def test_manage_list_queries_are_constant(alice, chapter_a, as_user, django_assert_num_queries):
    client = as_user(alice)
    fill([chapter_a], 2)
    client.get(reverse("onboarding:manage", args=["alpha"]))
    # The second factor and organizer roles come from the session (members/roles.py).
    with django_assert_num_queries(5) as small:
        client.get(reverse("onboarding:manage", args=["alpha"]))
    fill([chapter_a], 10)
    with django_assert_num_queries(5) as large:
        client.get(reverse("onboarding:manage", args=["alpha"]))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_flyer_has_qr_code_without_inline_styles(chapter_a, session_a, client, settings):
    settings.SITE_URL = "https://twc.example.org"
    content = client.get(reverse("onboarding:flyer", args=["alpha"])).content.decode()
    svg = content[content.index("<svg"):content.index("</svg>")]
    assert "style" not in svg and "viewBox" in svg
    assert "https://twc.example.org/chapters/alpha/" in content
    assert "Who may join" in content and session_a.title in content


def test_chapter_feed_is_icalendar_of_public_sessions(chapter_a, session_a, client):
    make_session(chapter_a, title="Cancelled one", status="cancelled")
    response = client.get(reverse("onboarding:feed", args=["alpha"]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 2 and "STATUS:CANCELLED" in body
    assert "LOCATION" not in body


def test_demo_is_idempotent_and_has_a_full_session_with_a_waitlist(gazetteer):
    call_command("load_demo")
    counts = (OnboardingSession.objects.count(), Registration.objects.count())
    call_command("load_demo")
    assert counts == (OnboardingSession.objects.count(), Registration.objects.count())
    slugs = set(OnboardingSession.objects.values_list("chapter__slug", flat=True))
    assert {"berlin", "milan", "new-york", "global"} <= slugs
    full = [s for s in OnboardingSession.objects.with_taken() if s.places_left == 0]
    assert full and full[0].registrations.filter(status="waitlisted").exists()
    assert set(Registration.objects.values_list("email", flat=True)) and all(
        e.endswith("@example.org") for e in Registration.objects.values_list("email", flat=True))


test_demo_is_idempotent_and_has_a_full_session_with_a_waitlist = pytest.mark.django_db(
    test_demo_is_idempotent_and_has_a_full_session_with_a_waitlist)


def test_my_registrations_are_found_by_account_and_by_any_verified_address(carol, chapter_a):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=carol, email="Carol.Other@Example.org", verified=True)
    EmailAddress.objects.create(user=carol, email="unverified@example.org", verified=False)
    linked = make_registration(make_session(chapter_a, title="Linked"), "x@example.org",
                               user=carol)
    by_address = make_registration(make_session(chapter_a, title="Second"),
                                   "carol.other@example.org")
    make_registration(make_session(chapter_a, title="Not hers"), "unverified@example.org")
    from onboarding.templatetags.onboarding import registrations_of

    assert set(registrations_of(carol)) == {linked, by_address}
