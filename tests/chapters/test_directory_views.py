"""The directory page, the location POST, the htmx fragment, the API, the embed, bad input."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapters.enums import ChapterKind, ChapterStatus
from chapters.models import Chapter


def test_the_no_js_form_finds_turin_from_torino(demo_chapters, client):
    response = client.get("/chapters/", {"q": "Torino"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "TWC Turin" in html
    assert "<html" in html
    assert 'hx-push-url="true"' in html and "hx-get" in html


def test_distances_are_shown_in_km(demo_chapters, client):
    html = client.get("/chapters/", {"q": "Potsdam"}).content.decode()
    assert html.index("TWC Berlin") < html.index("Online chapters")
    assert " km" in html


def test_htmx_gets_only_the_results(demo_chapters, client):
    response = client.get("/chapters/", {"q": "Oakland"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "TWC Bay Area" in html
    assert "<html" not in html and "<form" not in html


def test_a_far_place_offers_global_and_starting_a_chapter(demo_chapters, client):
    html = client.get("/chapters/", {"q": "Reykjavik"}).content.decode()
    assert "No chapter within 100 km" in html
    assert "/chapters/global/" in html
    assert "/start-a-chapter/" in html


def test_ambiguous_place_offers_choices_as_links(demo_chapters, client):
    html = client.get("/chapters/", {"q": "Cambridge"}).content.decode()
    assert "Which place do you mean?" in html
    assert html.count("?lat=") >= 3


def test_browsing_without_a_query_lists_active_chapters(demo_chapters, client):
    html = client.get("/chapters/").content.decode()
    active, _sep, graduated = html.partition('id="graduated-all-heading"')
    assert "TWC Berlin" in active and "TWC London" not in active
    # London stays findable, in its own short list, with its story.
    assert "TWC London" in graduated
    assert "Graduated into <a href=\"https://utaw.tech/\"" in graduated
    html = client.get("/chapters/", {"status": "graduated"}).content.decode()
    assert "TWC London" in html and "TWC Berlin" not in html


def test_location_is_posted_and_not_redirected_to_a_url(demo_chapters, client):
    response = client.post("/chapters/near/", {"lat": "52.39", "lon": "13.06"})
    assert response.status_code == 200
    assert "TWC Berlin" in response.content.decode()


def test_location_post_needs_csrf(demo_chapters):
    from django.test import Client
    response = Client(enforce_csrf_checks=True).post("/chapters/near/", {"lat": "1", "lon": "1"})
    assert response.status_code == 403


def test_location_by_get_is_accepted_and_validated(demo_chapters, client):
    assert "TWC Seattle" in client.get("/chapters/", {"lat": "47.6", "lon": "-122.3"}).content.decode()
    assert client.get("/chapters/", {"lat": "999", "lon": "1"}).status_code == 400
    assert client.get("/chapters/", {"lat": "1", "lon": "abc"}).status_code == 400
    assert client.post("/chapters/near/", {"lat": "91", "lon": "0"}).status_code == 400


@pytest.mark.parametrize("params", [
    {"q": ""}, {"q": "x" * 10_000}, {"q": "'; DROP TABLE chapters_chapter; --"},
    {"q": "<script>alert(1)</script>"}, {"q": "Atlantis"}, {"lat": "999"},
    {"lon": "abc"}, {"country": "ZZZ"}, {"language": "klingon"}, {"kind": "boat"},
    {"status": "secret"}, {"page": "99999999999999999999"}, {"q": "\x00"},
])
def test_bad_input_never_breaks_the_page(demo_chapters, client, params):
    response = client.get("/chapters/", params)
    assert response.status_code in (200, 400)
    assert b"<script>alert(1)</script>" not in response.content
    assert client.get("/api/chapters/", params).status_code in (200, 400)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=300), lat=st.text(max_size=20), lon=st.text(max_size=20),
       country=st.text(max_size=5), kind=st.text(max_size=8), status=st.text(max_size=12))
def test_any_query_string_answers_200_or_400(demo_chapters, client, q, lat, lon, country,
                                             kind, status):
    params = {"q": q, "lat": lat, "lon": lon, "country": country, "kind": kind,
              "status": status}
    params = {k: v.replace("\x00", "") for k, v in params.items()}
    assert client.get("/chapters/", params).status_code in (200, 400)


def _directory_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/chapters/", params).status_code == 200
    return len(queries)


def _many_chapters(count):
    Chapter.objects.bulk_create(
        Chapter(slug=f"bulk-{i}", name=f"Bulk {i}", kind=ChapterKind.LOCAL, city="Town",
                country="DE", latitude=47 + (i % 100) / 10, longitude=5 + (i // 100) / 5,
                status=ChapterStatus.ACTIVE, languages=["en"])
        for i in range(count)
    )


@pytest.mark.parametrize("params", [{"q": "Berlin"}, {"status": ["active", "dormant"]}, {},
                                    {"q": "Berln"}])
def test_directory_queries_do_not_grow_with_chapters(demo_chapters, client, params,
                                                     django_assert_num_queries):
    small = _directory_queries(client, params)
    _many_chapters(5000 - Chapter.objects.count())
    assert Chapter.objects.count() == 5000
    with django_assert_num_queries(small):
        client.get("/chapters/", params)


def test_api_is_geojson_open_and_cacheable(demo_chapters, client):
    response = client.get("/api/chapters/")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["Cache-Control"] == "public, max-age=300"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in data["features"]}
    assert "TWC Berlin" in names and "TWC London" not in names
    berlin = next(f for f in data["features"] if f["properties"]["slug"] == "berlin")
    assert berlin["geometry"]["coordinates"] == [13.41053, 52.52437]
    assert "email" not in berlin["properties"]


def test_api_filters_and_shows_successors(demo_chapters, client):
    data = client.get("/api/chapters/", {"status": "graduated"}).json()
    assert [f["properties"]["slug"] for f in data["features"]] == ["london"]
    assert data["features"][0]["properties"]["successor"]["name"]
    data = client.get("/api/chapters/", {"country": "IT"}).json()
    assert len(data["features"]) == 4


def test_api_queries_do_not_grow(demo_chapters, client, django_assert_num_queries):
    with CaptureQueriesContext(connection) as small:
        client.get("/api/chapters/")
    _many_chapters(500)
    with django_assert_num_queries(len(small)):
        client.get("/api/chapters/")


def test_unlisted_chapters_are_hidden_everywhere(demo_chapters, client):
    Chapter.objects.filter(slug="turin").update(is_listed=False)
    assert client.get("/chapters/turin/").status_code == 404
    assert "TWC Turin" not in client.get("/chapters/", {"q": "Turin"}).content.decode()
    assert "turin" not in client.get("/api/chapters/").content.decode()


def test_the_embed_can_be_framed_by_other_sites(demo_chapters, client):
    response = client.get("/embed/chapters/", {"q": "Turin"})
    assert response.status_code == 200
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    html = response.content.decode()
    assert "TWC Turin" in html and 'target="_blank"' in html
    assert "site-header" not in html


def test_the_directory_itself_cannot_be_framed(demo_chapters, client):
    response = client.get("/chapters/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_map_page_loads_the_map_assets_only_there(demo_chapters, client):
    assert b"leaflet" not in client.get("/chapters/").content
    assert b"leaflet" in client.get("/chapters/map/").content


def test_sitemap_lists_chapter_pages(demo_chapters, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert b"/chapters/berlin/" in response.content


def test_api_answers_a_page_at_a_time_with_a_link_to_the_next(demo_chapters, client):
    everyone = client.get("/api/chapters/", {"limit": 1000}).json()
    assert not everyone["links"]
    slugs, url, pages = [], "/api/chapters/?limit=3", 0
    while url:
        page = client.get(url).json()
        assert page["numberReturned"] == len(page["features"]) <= 3
        slugs += [f["properties"]["slug"] for f in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        pages += 1
    assert slugs == [f["properties"]["slug"] for f in everyone["features"]]
    assert len(slugs) == len(set(slugs)) and pages == -(-len(slugs) // 3)


def test_api_pages_keep_the_filters(demo_chapters, client):
    first = client.get("/api/chapters/", {"country": "IT", "limit": 2}).json()
    assert "country=IT" in first["links"][0]["href"]
    rest = client.get(first["links"][0]["href"]).json()
    countries = {f["properties"]["country"] for f in first["features"] + rest["features"]}
    assert countries == {"IT"} and len(first["features"] + rest["features"]) == 4


def test_api_language_filter_fills_its_pages(demo_chapters, client):
    italian = [f["properties"]["slug"] for f in client.get(
        "/api/chapters/", {"language": "it", "limit": 1000}).json()["features"]]
    assert italian
    first = client.get("/api/chapters/", {"language": "it", "limit": 1}).json()
    assert [f["properties"]["slug"] for f in first["features"]] == italian[:1]
    assert bool(first["links"]) == (len(italian) > 1)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"limit": "many"},
                                    {"after": -1}, {"after": "x"}, {"after": 10**30}])
def test_api_refuses_bad_pages_plainly(demo_chapters, client, params):
    response = client.get("/api/chapters/", params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) & {"limit", "after"}
