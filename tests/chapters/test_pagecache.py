"""Public pages served from the cache of rendered pages: never older than their data.

Every way the data can change (a save, a bulk update, a deletion, a new policy version, a
registration) raises a data version in the database itself, so the next visitor gets the
page rendered anew. Signed-in people never get a cached page.
"""

import re
import time

import pytest
from django.urls import reverse

from core import pagecache
from chapters.models import Chapter, DataVersion, PartnerOrganization
from members.services import adopt_policy_version
from tests.conftest import signed_in
from tests.factories import make_chapter
from tests.factories import make_registration, make_session

pytestmark = pytest.mark.django_db


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_second_visit_is_served_from_the_cache_with_one_query(chapter_a, client,
                                                                django_assert_num_queries):
    first = client.get(reverse("chapters:directory")).content.decode()
    with django_assert_num_queries(1):  # the data versions
        second = client.get(reverse("chapters:directory")).content.decode()
    assert without_tokens(first) == without_tokens(second)
    assert "TWC Alpha" in second


def test_saving_a_chapter_shows_at_once(chapter_a, client):
    client.get(reverse("chapters:directory"))
    client.get(chapter_a.get_absolute_url())
    chapter_a.name = "TWC Alpha Renamed"
    chapter_a.description = "A fresh description."
    chapter_a.save()
    assert b"TWC Alpha Renamed" in client.get(reverse("chapters:directory")).content
    assert b"A fresh description." in client.get(chapter_a.get_absolute_url()).content


def test_a_bulk_update_and_a_deletion_raise_the_version_too(chapter_a, chapter_b, client):
    client.get(reverse("chapters:directory"))
    before = pagecache.versions(pagecache.CHAPTERS)
    Chapter.objects.filter(pk=chapter_b.pk).update(is_listed=False)  # no save(), no signal
    assert pagecache.versions(pagecache.CHAPTERS) > before
    body = client.get(reverse("chapters:directory")).content
    assert b"TWC Beta" not in body and b"TWC Alpha" in body
    assert client.get(chapter_b.get_absolute_url()).status_code == 404

    gamma = Chapter.objects.create(slug="gamma", name="TWC Gamma", city="Potsdam",
                                   latitude=52.4, longitude=13.06, timezone="Europe/Berlin")
    assert b"TWC Gamma" in client.get(reverse("chapters:directory")).content
    gamma.delete()
    assert b"TWC Gamma" not in client.get(reverse("chapters:directory")).content


def test_a_new_partner_appears_in_the_cached_search(chapter_b, client, gazetteer):
    url = reverse("chapters:directory") + "?q=Milan"
    assert b"Sindacato Esempio" not in client.get(url).content
    PartnerOrganization.objects.create(name="Sindacato Esempio", url="https://example.org",
                                       countries=["IT"])
    assert b"Sindacato Esempio" in client.get(url).content


def test_a_new_policy_version_shows_on_the_cached_chapter_page(chapter_a, client):
    client.get(chapter_a.get_absolute_url())
    adopt_policy_version(chapter_a, actor=None, note="Now open to contractors")
    assert b"Now open to contractors" in client.get(chapter_a.get_absolute_url()).content


def test_a_registration_updates_places_left_on_cached_pages(chapter_a, client):
    session = make_session(chapter_a, capacity=3)
    assert b"3 places left" in client.get(reverse("onboarding:list")).content
    assert b"3 places left" in client.get(chapter_a.get_absolute_url()).content
    make_registration(session)
    assert b"2 places left" in client.get(reverse("onboarding:list")).content
    assert b"2 places left" in client.get(chapter_a.get_absolute_url()).content


def test_each_language_has_its_own_cached_page(chapter_a, client):
    english = client.get(reverse("chapters:directory"), headers={"accept-language": "en"})
    german = client.get(reverse("chapters:directory"), headers={"accept-language": "de"})
    assert b"Find a chapter" in english.content
    assert b"Find a chapter" not in german.content
    assert b'lang="de"' in german.content


def test_signed_in_people_never_get_the_visitors_page(chapter_a, alice, client):
    assert b"Edit this page" not in client.get(chapter_a.get_absolute_url()).content
    organizer = signed_in(alice)
    assert b"Edit this page" in organizer.get(chapter_a.get_absolute_url()).content
    # ... and what the organizer saw is not served to the next visitor.
    assert b"Edit this page" not in client.get(chapter_a.get_absolute_url()).content


def test_every_visitor_gets_their_own_csrf_token(chapter_a):
    from django.test import Client

    tokens = set()
    for _ in range(2):
        body = Client().get(reverse("chapters:directory")).content.decode()
        tokens.add(body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])
    assert len(tokens) == 2


def test_html_with_a_csrf_token_is_never_stored(db):
    calls = []

    def render():
        calls.append(1)
        return {"html": '<input name="csrfmiddlewaretoken" value="secret">'}, 200

    pagecache.fragment("test", [], [pagecache.CHAPTERS], render)
    pagecache.fragment("test", [], [pagecache.CHAPTERS], render)
    assert len(calls) == 2


def test_errors_other_than_bad_input_are_not_stored(db):
    calls = []

    def render():
        calls.append(1)
        return {"html": "oops"}, 500

    pagecache.fragment("test", [], [pagecache.CHAPTERS], render)
    pagecache.fragment("test", [], [pagecache.CHAPTERS], render)
    assert len(calls) == 2


def test_a_worker_trusts_the_versions_it_read_for_a_moment_only(chapter_a, client, settings):
    settings.PAGECACHE_VERSION_SECONDS = 0.5
    client.get(reverse("chapters:directory"))
    make_chapter("gamma", name="TWC Gamma")
    # Within the moment a visitor may still get the page as it was ...
    assert b"TWC Gamma" not in client.get(reverse("chapters:directory")).content
    time.sleep(0.6)
    # ... and never after it.
    assert b"TWC Gamma" in client.get(reverse("chapters:directory")).content


def test_versions_survive_a_flush_of_their_table(chapter_a, client):
    client.get(reverse("chapters:directory"))
    DataVersion.objects.all().delete()
    make_chapter("gamma", name="TWC Gamma")
    assert b"TWC Gamma" in client.get(reverse("chapters:directory")).content


def test_every_watched_table_has_its_triggers(db):
    from django.db import connection

    expected = set()
    for table, name in pagecache.WATCHED.items():
        trigger = f"{table}_bumps_{name}"
        expected |= ({trigger} if connection.vendor == "postgresql"
                     else {f"{trigger}_{event}" for event in ("insert", "update", "delete")})
    assert expected <= pagecache.installed_triggers(connection)


def test_a_rebuilt_table_gets_its_triggers_back(db):
    """SQLite drops a table's triggers with the table when a migration rebuilds it."""
    from django.db import connection

    with connection.cursor() as cursor:
        for trigger in pagecache.installed_triggers(connection):
            if trigger.startswith("onboarding_registration_"):
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER {trigger} ON onboarding_registration")
                else:
                    cursor.execute(f"DROP TRIGGER {trigger}")
    assert not any(t.startswith("onboarding_registration_")
                   for t in pagecache.installed_triggers(connection))
    pagecache.install_triggers(connection)
    pagecache.install_triggers(connection)  # and again: nothing to do, no error
    assert any(t.startswith("onboarding_registration_")
               for t in pagecache.installed_triggers(connection))
