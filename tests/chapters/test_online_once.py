"""The online chapters at the end of nearly every search: read and rendered once per process
under the chapters' data version, and the same as rendered afresh.

Whatever place is typed, the search ends with the same online chapters (twenty at full size):
their query and their cards are kept, keyed on the language, where links open, the chapters
shown and the data version of chapters, so that a change to a chapter shows at once.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chapters.enums import ChapterKind, ChapterStatus
from chapters.models import Chapter
from core import pagecache

pytestmark = pytest.mark.django_db

SECTION = re.compile(r'<section aria-labelledby="online-heading">.*?</section>', re.S)


def online_section(client, place, **headers) -> str:
    response = client.get("/chapters/", {"q": place}, **headers)
    assert response.status_code == 200
    found = SECTION.findall(response.content.decode())
    assert len(found) == 1
    return found[0]


@pytest.fixture
def online_chapters(demo_chapters):
    for i in range(3):
        Chapter.objects.create(name=f"TWC Online {i}", slug=f"online-{i}",
                               kind=ChapterKind.ONLINE, status=ChapterStatus.ACTIVE)
    pagecache.forget()


def test_a_later_search_reads_no_online_chapter_and_shows_the_same(online_chapters, client):
    first = online_section(client, "Torino")
    with CaptureQueriesContext(connection) as later:
        again = online_section(client, "Potsdam")
    assert not [q for q in later.captured_queries if "'online'" in q["sql"]]
    pagecache.forget()
    with CaptureQueriesContext(connection) as fresh:
        afresh = online_section(client, "Potsdam")
    assert [q for q in fresh.captured_queries if "'online'" in q["sql"]]
    assert first == again == afresh
    assert "TWC Online 0" in again and "TWC Global" in again


def test_a_renamed_online_chapter_shows_at_once(online_chapters, client):
    assert "TWC Online 1" in online_section(client, "Torino")
    chapter = Chapter.objects.get(slug="online-1")
    chapter.name = "TWC Online 1 Remote"  # sorts in the same place: the same chapters shown
    chapter.save()
    section = online_section(client, "Potsdam")
    assert "TWC Online 1 Remote" in section


def test_a_new_online_chapter_shows_at_once(online_chapters, client):
    online_section(client, "Torino")
    Chapter.objects.create(name="TWC Online New", slug="online-new", kind=ChapterKind.ONLINE,
                           status=ChapterStatus.ACTIVE)
    assert "TWC Online New" in online_section(client, "Potsdam")


def test_each_language_and_the_embed_keep_their_own(online_chapters, client):
    english = online_section(client, "Torino")
    german = online_section(client, "Potsdam", HTTP_ACCEPT_LANGUAGE="de")
    assert "Online chapters" in english and "Online-Gruppen" in german
    assert german != english and "Online chapters" not in german
    embedded = client.get("/embed/chapters/", {"q": "Milano"}).content.decode()
    assert 'target="_blank"' in SECTION.findall(embedded)[0]
    assert 'target="_blank"' not in online_section(client, "Roma")


def test_a_status_filter_keeps_its_own_list(online_chapters, client):
    Chapter.objects.filter(slug="online-2").update(status=ChapterStatus.DORMANT)
    assert "TWC Online 2" not in online_section(client, "Torino")
    response = client.get("/chapters/", {"q": "Potsdam", "status": ["active", "dormant"]})
    assert "TWC Online 2" in SECTION.findall(response.content.decode())[0]


def test_a_change_between_the_read_and_the_rendering_is_not_kept(online_chapters, client,
                                                                  monkeypatch):
    """Another worker renames a chapter after this request read the online chapters and
    before it rendered them: the section rendered from the old read is kept under the
    version it was read under, so the next search shows the new name."""
    from chapters import views

    real = views.search

    def search_then_a_write_elsewhere(*args, **kwargs):
        results = real(*args, **kwargs)
        Chapter.objects.filter(slug="online-1").update(name="TWC Online 1 Renamed")
        return results

    monkeypatch.setattr(views, "search", search_then_a_write_elsewhere)
    assert "TWC Online 1 Renamed" not in online_section(client, "Torino")
    monkeypatch.setattr(views, "search", real)
    assert "TWC Online 1 Renamed" in online_section(client, "Potsdam")
