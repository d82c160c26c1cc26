"""A refusal offers the nearest chapters that would accept the person, with distances."""

import pytest
from django.urls import reverse
from django.utils import translation

from members.services import adopt_policy_version
from members.services import alternatives as _alternatives
from tests import factories
from tests.conftest import signed_in
from core.locale import country_name, format_distance

MANAGER = {"owner_executive_investor": "no", "hire_fire": "yes", "works_in_tech": "yes",
           "questions": {"Which sector do you work in?": "QA"}}


@pytest.fixture
def italy(baseline):
    milan = factories.make_chapter("milan", name="TWC Milan", city="Milan", region="Lombardy",
                                   country="IT", latitude=45.46427, longitude=9.18951)
    adopt_policy_version(milan, actor=None, note="x", exclude_hire_fire=True,
                         allow_supporters=False)
    turin = factories.make_chapter("turin", name="TWC Turin", city="Turin", country="IT",
                                   latitude=45.07049, longitude=7.68682)
    rome = factories.make_chapter("rome", name="TWC Rome", city="Rome", country="IT",
                                  latitude=41.89193, longitude=12.51133)
    strict = factories.make_chapter("bologna", name="TWC Bologna", city="Bologna",
                                    country="IT", latitude=44.49381, longitude=11.33875)
    adopt_policy_version(strict, actor=None, note="x", exclude_hire_fire=True)
    factories.make_chapter("boston", name="TWC Boston", city="Boston", country="US",
                           latitude=42.35843, longitude=-71.05977)
    factories.make_chapter("global", name="TWC Global", kind="online", country="")
    return milan


def test_milans_refusal_offers_the_nearest_italian_chapters_that_fit(italy, settings):
    found = _alternatives(italy, MANAGER)
    names = [(c.name, round(c.km)) for c in found["other_chapters"]]
    # Turin is 125 km away, Rome 479 km; Bologna excludes managers too; Boston is too far.
    assert names == [("TWC Turin", 125), ("TWC Rome", 479)]
    assert found["global_chapter"].slug == "global"


def test_alternatives_are_one_query_however_many_chapters(italy, django_assert_num_queries):
    with django_assert_num_queries(3):  # the baseline, the chapters, the partners
        _alternatives(italy, MANAGER)
    for n in range(30):
        factories.make_chapter(f"far-{n}", country="US", latitude=40.0, longitude=-100.0 + n)
        factories.make_chapter(f"near-{n}", country="FR", latitude=45.5, longitude=6.0 + n / 10)
    with django_assert_num_queries(3):
        found = _alternatives(italy, MANAGER)
    assert len(found["other_chapters"]) == 5
    assert all(c.km < 500 for c in found["other_chapters"])


def test_no_chapter_fits_someone_the_baseline_refuses(italy):
    found = _alternatives(italy, {**MANAGER, "owner_executive_investor": "yes"})
    assert found["other_chapters"] == [] and found["global_chapter"] is None


@pytest.mark.parametrize("language", ["en", "it", "de", "fr", "es"])
def test_the_refusal_page_shows_distances_places_and_start_one(italy, language):
    user = factories.make_user(display_name="Nina", work_kind="qa")
    response = signed_in(user).post(
        reverse("members:join", args=["milan"]),
        {"owner_executive_investor": "no", "hire_fire": "yes", "works_in_tech": "yes"},
        HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("TWC Turin") < body.index("TWC Rome")
    assert "TWC Boston" not in body and "TWC Bologna" not in body
    with translation.override(language):
        assert format_distance(125.4) in body
        assert f"Turin, {country_name('IT')}" in body  # "Italia", "Italien", "Italie"
    assert reverse("cdp:apply") in body
