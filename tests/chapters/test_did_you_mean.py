"""'Did you mean Berlin?' for misspelt places and chapter names, offline, on both databases."""

import time

import pytest
from django.utils import translation

from chapters.enums import DEFAULT_LISTED_STATUSES
from chapters.geo import resolve, suggest_places
from chapters.search import Filters, search

DEFAULT = list(DEFAULT_LISTED_STATUSES)


@pytest.mark.parametrize("typed,meant,country", [
    ("Berln", "Berlin", "DE"), ("Torno", "Turin", "IT"), ("Brookyln", "Brooklyn", "US"),
    ("Müchen", "Munich", "DE"), ("Barcelna", "Barcelona", "ES")])
def test_a_misspelt_place_is_suggested(gazetteer, typed, meant, country):
    exact = resolve(typed).place
    first = next(p for p in suggest_places(typed, limit=5) if p != exact)
    assert (first.name, first.country_code) == (meant, country)


def test_a_small_place_found_under_another_name_does_not_hide_the_large_one(demo_chapters):
    # "Torno" is an alternate name of El Torno (Bolivia): search there, and offer Turin.
    results = search("Torno", None, None, Filters(statuses=DEFAULT))
    assert results.place.country_code == "BO"
    assert [(p.name, p.country_code) for p in results.suggested_places] == [("Turin", "IT")]
    # A large place typed right gets no suggestion.
    assert search("Berlin", None, None, Filters(statuses=DEFAULT)).suggested_places == []


def test_no_suggestion_for_nonsense_or_too_short(gazetteer):
    assert suggest_places("Xqzzwvk") == []
    assert suggest_places("Bx") == []


def test_suggestions_are_fast(gazetteer):
    suggest_places("Berln")  # warm the cache of the database's pages
    started = time.perf_counter()
    for typed in ("Berln", "Torno", "Brookyln", "Lisbn", "Nairbi"):
        suggest_places(typed)
    assert (time.perf_counter() - started) / 5 < 0.1


def test_a_misspelt_chapter_name_is_suggested(demo_chapters):
    results = search("TWC Berln", None, None, Filters(statuses=DEFAULT))
    assert [c.slug for c in results.suggested_chapters] == ["berlin"]


@pytest.mark.parametrize("language", ["en", "it", "de", "fr", "es"])
def test_the_directory_asks_did_you_mean_with_a_link_that_finds_the_place(
        demo_chapters, client, language):
    html = client.get("/chapters/", {"q": "Berln"},
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        from core.locale import country_name
        germany = country_name("DE")
    assert f">Berlin, {germany}</a>" in html
    assert 'class="banner did-you-mean"' in html
    follow = client.get("/chapters/", {"q": f"Berlin, {germany}"},
                        HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "TWC Berlin" in follow


def test_a_suggested_place_in_another_country_keeps_its_country(demo_chapters, client):
    # The link carries the country's name, and the search understands it.
    assert resolve("London, Canada").place.country_code == "CA"
    assert resolve("Berlin, Germany").place.country_code == "DE"
