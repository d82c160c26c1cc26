"""The map in a real browser: every listed chapter gets a marker, page after page of the API."""

import pytest

from chapters.enums import ChapterKind, ChapterStatus
from chapters.models import Chapter

CHAPTERS = 1_050  # more than one page of the API at the map's page size (1,000)


@pytest.mark.django_db(transaction=True)
def test_the_map_follows_the_api_pages_until_every_chapter_is_on(open_page, live_server):
    Chapter.objects.bulk_create(
        Chapter(slug=f"map-{i}", name=f"Map {i}", kind=ChapterKind.LOCAL, city="Town",
                country="DE", latitude=47 + (i % 100) / 10, longitude=5 + (i // 100) / 5,
                status=ChapterStatus.ACTIVE, languages=["en"])
        for i in range(CHAPTERS)
    )
    Chapter.objects.create(slug="online-only", name="Online only", kind=ChapterKind.ONLINE,
                           status=ChapterStatus.ACTIVE, languages=["en"])
    page, _checker = open_page(javascript=True)
    api_pages = []
    page.on("response", lambda r: api_pages.append(r.url) if "/api/chapters/" in r.url else None)
    page.goto(live_server.url + "/chapters/map/")
    # (wait_for_function would evaluate a string, which the page's CSP rightly forbids)
    page.locator("#chapter-map[data-loaded]").wait_for(state="attached", timeout=30_000)
    page.wait_for_load_state("networkidle")
    # Markers near each other are clustered: the clusters' counts and the single markers
    # add up to every chapter, and the map says how many it holds.
    assert page.locator("#chapter-map").get_attribute("data-loaded") == str(CHAPTERS)

    def on_the_map() -> int:
        singles = page.locator(".leaflet-marker-icon.map-marker").count()
        clustered = sum(int(n) for n in page.locator(".leaflet-marker-icon.map-cluster")
                        .all_inner_texts())
        return singles + clustered

    # (the clusters of the zoom level before fitBounds leave with an animation)
    for _ in range(40):
        if on_the_map() == CHAPTERS:
            break
        page.wait_for_timeout(250)
    assert on_the_map() == CHAPTERS  # the online chapter has no place on the map
    assert len(api_pages) == 2 and "after=" in api_pages[1]
