"""The map shows chapter names as text: a name carrying HTML (written to the database
directly, as no form lets it through) is shown as typed on hover and in the popup, and the
page does not navigate. Markers that overlap at world zoom (the four in Italy) cluster."""

import pytest

from chapters.enums import ChapterKind, ChapterStatus
from chapters.models import Chapter

# A meta refresh navigates even under a strict CSP; an <img onerror> would run script.
HOSTILE = ('TWC Graz<meta http-equiv="refresh" content="0;url=/accounts/login/">'
           '<img src=x onerror="document.title=\'owned\'">')


def _chapter(slug, name, lat, lon, status=ChapterStatus.ACTIVE):
    return Chapter.objects.create(slug=slug, name=name, kind=ChapterKind.LOCAL, city="Town",
                                  country="AT", latitude=lat, longitude=lon, status=status,
                                  languages=["en"])


@pytest.mark.django_db(transaction=True)
def test_a_name_with_html_is_shown_as_text_and_never_navigates(open_page, live_server):
    _chapter("graz", HOSTILE, 47.07, 15.44)
    page, checker = open_page(javascript=True)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url)
            if frame == page.main_frame else None)
    page.goto(live_server.url + "/chapters/map/")
    marker = page.locator(".leaflet-marker-icon.map-marker")
    marker.wait_for(timeout=15_000)
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text() == HOSTILE
    marker.click()
    popup = page.locator(".leaflet-popup-content a")
    popup.wait_for(timeout=5_000)
    assert popup.inner_text() == HOSTILE
    page.wait_for_timeout(1_500)  # a refresh of 0 seconds would have happened by now
    assert page.url == live_server.url + "/chapters/map/"
    assert navigations == [live_server.url + "/chapters/map/"]
    assert page.locator("meta[http-equiv]").count() == 0
    assert page.locator("#chapter-map img[src='x']").count() == 0
    assert page.title() != "owned"
    checker.check("map-hostile-name")


@pytest.mark.django_db(transaction=True)
def test_overlapping_markers_cluster_and_the_legend_names_each_status(open_page, live_server):
    for slug, lat, lon in (("milan", 45.46, 9.19), ("turin", 45.07, 7.69),
                           ("bologna", 44.49, 11.34), ("rome", 41.89, 12.48)):
        _chapter(slug, f"TWC {slug.title()}", lat, lon)
    _chapter("seattle", "TWC Seattle", 47.61, -122.33, ChapterStatus.SEMI_ACTIVE)
    _chapter("boston", "TWC Boston", 42.36, -71.06, ChapterStatus.DORMANT)
    _chapter("london", "TWC London", 51.51, -0.13, ChapterStatus.GRADUATED)
    _chapter("gone", "TWC Gone", 10.0, 10.0, ChapterStatus.CLOSED)
    page, checker = open_page(javascript=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/chapters/map/")
    page.locator("#chapter-map[data-loaded]").wait_for(state="attached", timeout=15_000)
    assert page.locator("#chapter-map").get_attribute("data-loaded") == "7"  # not the closed
    # Zoomed out to the whole world, Italy's four are one cluster that says how many.
    page.locator(".leaflet-control-zoom-out").click()
    page.wait_for_timeout(600)
    page.locator(".leaflet-control-zoom-out").click()
    page.wait_for_timeout(600)
    clusters = page.locator(".leaflet-marker-icon.map-cluster")
    for _ in range(40):  # until the zoom animation has removed the previous level's icons
        counts = [int(n) for n in clusters.all_inner_texts()]
        if len(counts) == 1:
            break
        page.wait_for_timeout(250)
    # No Italian marker stands alone on top of the others: they are one cluster (with
    # London too, at this zoom), which says how many it holds.
    assert page.locator(".leaflet-marker-icon.map-marker--active").count() == 0
    assert len(counts) == 1 and counts[0] >= 4
    italy = clusters.first
    assert f"{counts[0]} chapters here" in italy.get_attribute("aria-label")
    for status in ("semi_active", "dormant"):
        assert page.locator(f".leaflet-marker-icon.map-marker--{status}").count() == 1
    legend = page.locator(".map-legend").inner_text()
    for label in ("Active", "Semi-active", "Dormant", "Graduated"):
        assert label in legend
    assert "Closed" not in legend
    checker.check("map-world-clusters")
    italy.click()  # zooms in until the four stand apart
    page.wait_for_timeout(1_000)
    assert page.locator(".leaflet-marker-icon.map-marker--active").count() >= 2
