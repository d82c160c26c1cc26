"""Finding a chapter: place resolution, ranking, the honest message, ambiguity, filters."""

import pytest

from chapters.enums import ChapterStatus
from chapters.geo import fold, resolve, resolve_place
from chapters.search import Filters, search

DEFAULT = [ChapterStatus.ACTIVE, ChapterStatus.SEMI_ACTIVE]


def first(query, **filters):
    results = search(query, None, None, Filters(statuses=DEFAULT, **filters))
    return results, results.local[0] if results.local else (None, None)


@pytest.mark.parametrize(("query", "slug", "max_km"), [
    ("Turin", "turin", 5), ("Torino", "turin", 5), ("turin", "turin", 5),
    ("Potsdam", "berlin", 40), ("Oakland", "bay-area", 20), ("Brooklyn", "new-york", 20),
    ("NYC", "new-york", 1), ("München", None, None), ("SF", "bay-area", 1),
])
def test_a_place_puts_the_right_chapter_first(demo_chapters, query, slug, max_km):
    results, (chapter, km) = first(query)
    assert results.place is not None
    if slug:
        assert chapter.slug == slug
        assert km <= max_km


def test_munich_resolves_from_its_german_name(gazetteer):
    assert resolve_place("München")[0].name == "Munich"


def test_fold_removes_accents_and_case():
    assert fold("  São-Paulo ") == "sao paulo"


def test_a_far_place_gets_the_honest_message_and_the_global_chapter(demo_chapters):
    results = search("Ulaanbaatar", None, None, Filters(statuses=DEFAULT))
    assert results.place is not None
    assert results.nothing_near
    assert results.global_chapter.slug == "global"


@pytest.mark.parametrize("query", ["Cambridge", "Portland", "London"])
def test_a_name_shared_by_large_places_offers_choices(gazetteer, query):
    resolution = resolve(query)
    assert len(resolution.choices) >= 2
    assert len({p.country_code + p.admin1_code for p in resolution.choices}) >= 2


def test_cambridge_is_not_silently_picked(gazetteer):
    assert resolve("Cambridge").place is None


def test_a_clear_leader_is_searched_with_the_others_offered(gazetteer):
    resolution = resolve("Portland")
    assert resolution.place.region_name == "Oregon"


def test_a_chapter_name_matches_too(demo_chapters):
    results = search("TWC Glob", None, None, Filters(statuses=DEFAULT))
    assert [c.slug for c in results.name_matches] == ["global"]


def test_an_unknown_place_says_so(demo_chapters):
    results = search("Xyzzyville", None, None, Filters(statuses=DEFAULT))
    assert results.unknown_place and not results.local


def test_filters_narrow_the_results(demo_chapters):
    results = search("Milan", None, None, Filters(statuses=DEFAULT, language="de"))
    assert [c.slug for c, _ in results.local] == []
    results = search("Milan", None, None, Filters(statuses=DEFAULT, country="IT"))
    assert {c.slug for c, _ in results.local} >= {"milan", "turin", "bologna"}
    results = search("Milan", None, None, Filters(statuses=DEFAULT, kind="online"))
    assert results.local == [] and [c.slug for c in results.online] == ["global"]


def test_graduated_chapters_show_only_on_request(demo_chapters):
    results = search("London", None, None, Filters(statuses=DEFAULT))
    assert "london" not in [c.slug for c, _ in results.local]
    results = search("London", None, None, Filters(statuses=[ChapterStatus.GRADUATED]))
    assert [c.slug for c, _ in results.local][:1] == ["london"]


def test_a_dormant_chapter_nearby_is_offered_to_revive(demo_chapters):
    boston = demo_chapters["boston"]
    boston.status = ChapterStatus.DORMANT
    boston.save()
    results = search("", 42.3751, -71.10561, Filters(statuses=DEFAULT))
    assert [c.slug for c, _ in results.revive] == ["boston"]
    assert results.nothing_near


def test_a_region_or_country_after_a_comma_picks_the_place(gazetteer):
    assert resolve("Cambridge, Massachusetts").place.country_code == "US"
    assert resolve("cambridge, gb").place.country_code == "GB"
    assert resolve("Portland, Maine").place.region_name == "Maine"
