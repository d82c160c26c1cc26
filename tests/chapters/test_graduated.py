"""A graduated chapter is findable, and its story is never hidden behind "no chapter"."""

import pytest
from django.utils import translation

from chapters.enums import DEFAULT_LISTED_STATUSES
from chapters.search import Filters, search

DEFAULT = list(DEFAULT_LISTED_STATUSES)
UNION = "United Tech and Allied Workers"


@pytest.mark.parametrize("query", ["London", "TWC London", "london", "twc london"])
def test_a_search_for_london_finds_the_chapter_and_its_union(demo_chapters, client, query):
    html = client.get("/chapters/", {"q": query}).content.decode()
    assert 'href="/chapters/london/"' in html
    assert f'Graduated into <a href="https://utaw.tech/" rel="noopener nofollow" ' \
           f'target="_blank">{UNION}</a>' in html
    assert "No chapter within 100 km" not in html


def test_londons_search_offers_global_and_starting_a_chapter_without_saying_none(
        demo_chapters, client):
    html = client.get("/chapters/", {"q": "London"}).content.decode()
    assert "Chapters with that name" in html  # found by its name, told once
    assert html.count('href="/chapters/london/"') == 1
    assert "No active chapter of the network here now" in html
    assert "/chapters/global/" in html and "/start-a-chapter/" in html


def test_a_place_near_london_tells_its_story(demo_chapters, client):
    html = client.get("/chapters/", {"q": "Croydon"}).content.decode()
    assert "Chapters that graduated here" in html and UNION in html
    assert "No chapter within 100 km" not in html


def test_search_keeps_graduated_chapters_apart_from_local_ones(demo_chapters):
    results = search("Croydon", None, None, Filters(statuses=DEFAULT))
    assert [c.slug for c, _km in results.graduated] == ["london"]
    assert results.local == [] and results.nothing_near and results.has_story
    named = search("TWC London", None, None, Filters(statuses=DEFAULT))
    assert [c.slug for c in named.name_matches] == ["london"] and named.has_story


def test_a_place_far_from_any_chapter_still_says_no_chapter(demo_chapters, client):
    html = client.get("/chapters/", {"q": "Nairobi"}).content.decode()
    assert "No chapter within 100 km" in html
    assert "graduated here" not in html


@pytest.mark.parametrize("language", ["en", "it", "de", "fr", "es"])
def test_london_reads_as_a_place_with_its_country_in_every_language(demo_chapters, client,
                                                                     language):
    html = client.get("/chapters/", {"q": "London"},
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        from core.locale import country_name
        united_kingdom = country_name("GB")
    assert f"London, England, {united_kingdom}" in html.replace("&#x27;", "'")
    assert "London, GB" not in html and ", CA<" not in html


@pytest.mark.parametrize("language", ["en", "it", "de", "fr", "es"])
def test_a_chapter_page_names_its_place_once_with_the_country(demo_chapters, client,
                                                               language):
    html = client.get("/chapters/berlin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        from core.locale import country_name
        germany = country_name("DE")
    assert f"Berlin, {germany}" in html
    assert "Berlin, Berlin" not in html and ", DE<" not in html and ", DE " not in html
    milan = client.get("/chapters/milan/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        assert f"Milan, Lombardy, {country_name('IT')}" in milan
