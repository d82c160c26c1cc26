"""Peers' groups in our directory, map API and embed: labelled, linked out, ranked by
distance (ours first only when equally near), filterable, hidden when the peer is paused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from chapters.models import PeerChapter, PeerNetwork
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dublin_group(gazetteer, baseline):
    return factories.make_group(factories.make_peer())


def test_a_place_whose_only_group_is_a_peers_gets_that_group(client, dublin_group):
    html = client.get("/chapters/", {"q": "Dublin"}).content.decode()
    assert "IWW Dublin Tech Workers" in html
    assert "IWW Technology Workers Organizing Committee" in html
    assert "https://iww.example.org/chapters/1/" in html
    assert "Bosses may not join." in html
    assert "No chapter within 100 km" not in html


def test_none_near_is_said_only_when_no_network_has_a_group_near(client, gazetteer, baseline):
    html = client.get("/chapters/", {"q": "Dublin"}).content.decode()
    assert "No chapter within 100 km" in html


def test_our_chapter_ranks_first_only_when_equally_near(client, gazetteer, baseline):
    network = factories.make_peer()
    factories.make_group(network, "1", name="Peer Nearer", latitude=53.34399, longitude=-6.26719)
    factories.make_chapter("ours-far", name="TWC Further", city="Dublin", country="IE",
                           latitude=53.5, longitude=-6.3)
    html = client.get("/chapters/", {"q": "Dublin"}).content.decode()
    assert html.index("Peer Nearer") < html.index("TWC Further")
    factories.make_chapter("ours-same", name="TWC Same Spot", city="Dublin", country="IE",
                           latitude=53.34399, longitude=-6.26719)
    html = client.get("/chapters/", {"q": "Dublin"}).content.decode()
    assert html.index("TWC Same Spot") < html.index("Peer Nearer")


def test_a_search_can_keep_to_one_network(client, dublin_group):
    factories.make_chapter("dub", name="TWC Dublin", city="Dublin", country="IE",
                           latitude=53.35, longitude=-6.26)
    only_peer = client.get("/chapters/", {"q": "Dublin", "network": "iww"}).content.decode()
    assert "IWW Dublin Tech Workers" in only_peer and "TWC Dublin" not in only_peer
    only_ours = client.get("/chapters/", {"q": "Dublin", "network": "ours"}).content.decode()
    assert "IWW Dublin Tech Workers" not in only_ours and "TWC Dublin" in only_ours
    listing = client.get("/chapters/", {"network": "iww"}).content.decode()
    assert "IWW Dublin Tech Workers" in listing


def test_an_unknown_network_is_a_form_error_not_a_500(client, dublin_group):
    assert client.get("/chapters/", {"network": "nope"}).status_code == 400


def test_a_peers_group_is_found_by_its_name(client, dublin_group):
    html = client.get("/chapters/", {"q": "IWW Dublin"}).content.decode()
    assert "IWW Dublin Tech Workers" in html


def test_a_paused_peers_groups_leave_the_directory(client, dublin_group):
    PeerNetwork.objects.update(is_paused=True)
    html = client.get("/chapters/", {"q": "Dublin"}).content.decode()
    assert "IWW Dublin Tech Workers" not in html


def test_the_embed_shows_peers_groups(client, dublin_group):
    html = client.get("/embed/chapters/", {"q": "Dublin"}).content.decode()
    assert "IWW Dublin Tech Workers" in html


def test_the_api_pages_go_on_into_peers_groups(client, dublin_group):
    factories.make_chapter("own", name="TWC Own")
    first = client.get("/api/chapters/").json()
    assert [f["properties"]["name"] for f in first["features"]] == ["TWC Own"]
    assert first["features"][0]["properties"]["network"] is None
    second = client.get(first["links"][0]["href"]).json()
    assert [f["properties"]["name"] for f in second["features"]] == ["IWW Dublin Tech Workers"]
    properties = second["features"][0]["properties"]
    assert properties["network"]["name"] == "IWW Technology Workers Organizing Committee"
    assert properties["url"] == "https://iww.example.org/chapters/1/"
    assert second["links"] == []


def test_search_and_api_queries_do_not_grow_with_peers_groups(client, dublin_group):
    def count(url, params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    small = [count("/chapters/", {"q": "Dublin"}), count("/api/chapters/", {"peers_after": 0})]
    network = dublin_group.network
    PeerChapter.objects.bulk_create(
        PeerChapter(network=network, remote_id=f"bulk{i}", name=f"Bulk {i}", kind="local",
                    status="active", city="Town", country="IE",
                    latitude=53 + (i % 50) / 100, longitude=-6.5 + (i // 50) / 100,
                    url="https://iww.example.org/x/", updated_at=timezone.now())
        for i in range(1000))
    assert [count("/chapters/", {"q": "Dublin"}),
            count("/api/chapters/", {"peers_after": 0})] == small


def test_an_admin_adds_pauses_and_removes_a_peer(admin_client_mfa, gazetteer, baseline):
    response = admin_client_mfa.post("/federation/peers/", {
        "name": "IWW TWOC", "base_url": "https://iww.example.org",
        "fingerprint": " ".join(["abcd"] * 16)})
    assert response.status_code == 302
    peer = PeerNetwork.objects.get()
    assert peer.key_fingerprint == "abcd" * 16
    admin_client_mfa.post(f"/federation/peers/{peer.pk}/pause/")
    peer.refresh_from_db()
    assert peer.is_paused
    factories.make_group(peer)
    admin_client_mfa.post(f"/federation/peers/{peer.pk}/remove/")
    assert not PeerNetwork.objects.exists() and not PeerChapter.objects.exists()
    assert AuditEvent.objects.filter(action="peer.changed").count() == 3


@pytest.mark.parametrize("fields, error", [
    ({"fingerprint": "123"}, "64 hexadecimal"),
    ({"base_url": "http://iww.example.org"}, "https://"),
    ({"base_url": "ftp://iww.example.org"}, "https://"),
])
def test_a_peer_with_a_bad_address_or_fingerprint_is_refused(admin_client_mfa, settings,
                                                             fields, error):
    settings.FEDERATION_ALLOW_HTTP = False
    data = {"name": "IWW", "base_url": "https://iww.example.org", "fingerprint": "ab" * 32,
            **fields}
    response = admin_client_mfa.post("/federation/peers/", data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not PeerNetwork.objects.exists()


def test_our_own_fingerprint_is_refused_as_a_peer(admin_client_mfa):
    from federation import keys

    response = admin_client_mfa.post("/federation/peers/", {
        "name": "Us", "base_url": "https://us.example.org",
        "fingerprint": keys.own_fingerprint()})
    assert response.status_code == 400
