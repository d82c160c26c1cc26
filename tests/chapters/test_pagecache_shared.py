"""The cache of public pages is shared by the workers and holds a page until its data or
the clock changes it: no minute in the key, the next session's end instead."""

import datetime as dt
import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from core.pagecache import DatabasePageCache
from tests.conftest import signed_in
from tests.factories import make_session

pytestmark = pytest.mark.django_db

DATABASE_PAGES = {"BACKEND": "core.pagecache.DatabasePageCache", "LOCATION": "twc_pagecache",
                  "OPTIONS": {"MAX_ENTRIES": 100_000}}


def later(monkeypatch, seconds: float) -> None:
    """The clock of the page cache moves on by `seconds`."""
    now = time.time()
    monkeypatch.setattr(pagecache.time, "time", lambda: now + seconds)


def test_a_chapter_page_stays_cached_across_minutes(chapter_a, client, monkeypatch,
                                                     django_assert_num_queries):
    make_session(chapter_a, days=7)
    first = client.get(chapter_a.get_absolute_url())
    later(monkeypatch, 3 * 60)
    with django_assert_num_queries(1):  # the data versions
        second = client.get(chapter_a.get_absolute_url())
    assert second.content.count(b"Welcome session") == first.content.count(b"Welcome session")


def test_a_session_change_shows_on_the_cached_chapter_page(chapter_a, client):
    session = make_session(chapter_a, title="First steps")
    assert b"First steps" in client.get(chapter_a.get_absolute_url()).content
    session.title = "Second steps"
    session.save()
    assert b"Second steps" in client.get(chapter_a.get_absolute_url()).content


def test_a_chapter_page_is_rendered_anew_once_its_next_session_has_ended(
        chapter_a, client, monkeypatch, django_assert_num_queries):
    make_session(chapter_a, starts_at=timezone.now() + dt.timedelta(hours=1), hours=1,
                 title="Soon over")
    assert b"Soon over" in client.get(chapter_a.get_absolute_url()).content
    later(monkeypatch, 30 * 60)  # still upcoming: served from the cache
    with django_assert_num_queries(1):
        client.get(chapter_a.get_absolute_url())
    later(monkeypatch, 2 * 3600 + 1)
    with pytest.raises(pytest.fail.Exception):  # ended: rendered anew, so more queries
        with django_assert_num_queries(1):
            client.get(chapter_a.get_absolute_url())


def test_the_sessions_list_is_rendered_anew_once_its_first_session_has_ended(
        chapter_a, client, monkeypatch, django_assert_num_queries):
    make_session(chapter_a, starts_at=timezone.now() + dt.timedelta(hours=1), hours=1)
    client.get(reverse("onboarding:list"))
    with django_assert_num_queries(1):
        client.get(reverse("onboarding:list"))
    later(monkeypatch, 2 * 3600 + 1)
    with django_assert_num_queries(3):  # the versions, the count, the page
        client.get(reverse("onboarding:list"))


def test_a_new_organizer_name_shows_on_the_cached_chapter_page(chapter_a, alice, client):
    assert b"Organizer" in client.get(chapter_a.get_absolute_url()).content
    alice.display_name = "Alice Renamed"
    alice.save()
    assert b"Alice Renamed" in client.get(chapter_a.get_absolute_url()).content


def test_a_sign_in_leaves_cached_chapter_pages_alone(chapter_a, alice, client):
    before = pagecache.versions("organizers")
    alice.last_login = timezone.now()
    alice.save(update_fields=["last_login"])
    assert pagecache.versions("organizers") == before


def test_a_second_worker_gets_the_page_the_first_rendered(chapter_a, settings,
                                                           django_assert_num_queries):
    settings.CACHES = {**settings.CACHES, "pages": DATABASE_PAGES}
    pagecache.forget()
    first = Client().get(chapter_a.get_absolute_url())
    caches["fragments"].clear()  # another worker: nothing in its own memory
    with django_assert_num_queries(2):  # the data versions, the shared cache
        second = Client().get(chapter_a.get_absolute_url())
    assert second.status_code == 200
    assert (second.content.split(b"csrfmiddlewaretoken")[0]
            == first.content.split(b"csrfmiddlewaretoken")[0])


def test_two_clients_of_the_database_cache_share_and_replace_pages(db):
    one = DatabasePageCache("twc_pagecache", {})
    other = DatabasePageCache("twc_pagecache", {})
    one.set("page:x", ("first",), 60)
    assert other.get("page:x") == ("first",)
    other.set("page:x", ("second",), 60)  # one upsert over the row the first wrote
    assert one.get("page:x") == ("second",)
    one.clear()


def test_a_cached_page_gives_each_visitor_a_working_csrf_token(chapter_a):
    Client().get(reverse("chapters:directory"))  # cached by someone else
    visitor = Client(enforce_csrf_checks=True)
    body = visitor.get(reverse("chapters:directory")).content.decode()
    token = body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "\x00" not in body
    response = visitor.post(reverse("set_language"),
                            {"language": "de", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_visitor_with_a_message_waiting_gets_their_own_page(chapter_a, client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.contrib.messages.storage.base import Message
    from django.http import HttpRequest, HttpResponse

    Client().get(chapter_a.get_absolute_url())  # the visitors' page, cached
    storage = CookieStorage(HttpRequest())
    response = HttpResponse()
    storage._store([Message(constants.SUCCESS, "You follow this chapter now.")], response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    assert b"You follow this chapter now." in client.get(chapter_a.get_absolute_url()).content
    # ... and the next visitor does not get it.
    assert b"You follow this chapter now." not in Client().get(
        chapter_a.get_absolute_url()).content


def test_a_signed_in_page_is_neither_served_nor_stored(chapter_a, alice):
    organizer = signed_in(alice)
    assert b"Edit this page" in organizer.get(chapter_a.get_absolute_url()).content
    assert b"Edit this page" not in Client().get(chapter_a.get_absolute_url()).content
    assert b"Edit this page" in organizer.get(chapter_a.get_absolute_url()).content


def test_the_hourly_job_culls_expired_pages_from_the_shared_cache(db):
    from core.periodic import JOBS

    pages = DatabasePageCache("twc_pagecache", {})
    pages.set("page:old", ("old",), 0)  # expired at once
    pages.set("page:new", ("new",), 60)
    assert JOBS["core.cull_page_cache"].function is not None
    assert pages.cull() == 1
    assert pages.get("page:new") == ("new",)
    pages.clear()
