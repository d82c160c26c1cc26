"""Pulling a peer's feed: good pages land in the directory; every kind of bad answer
changes nothing and is reported on the peer's row."""

import datetime as dt

import pytest
from django.utils import timezone

from chapters.models import PeerChapter, PeerNetwork
from federation import sync
from federation.tasks import sync_peers
from tests.federation.conftest import peer_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer_network(fake_peer, federation_settings):
    fake_peer.records = [peer_record("1"), peer_record("2", name="IWW Cork Tech Workers",
                                                       city="Cork", latitude=51.89797,
                                                       longitude=-8.47061)]
    return PeerNetwork.objects.create(name="IWW TWOC", slug="iww", base_url=fake_peer.url,
                                      key_fingerprint=fake_peer.fingerprint)


def names() -> set[str]:
    return set(PeerChapter.objects.values_list("name", flat=True))


def test_a_good_sync_brings_the_peers_groups_and_pins_its_key(peer_network, fake_peer):
    assert sync.sync(peer_network) == 2
    assert names() == {"IWW Dublin Tech Workers", "IWW Cork Tech Workers"}
    peer_network.refresh_from_db()
    assert peer_network.cursor == 2 and peer_network.last_success_at
    assert peer_network.public_key and peer_network.last_error == ""
    dublin = PeerChapter.objects.get(remote_id="1")
    assert dublin.who_may_join == ["Bosses may not join."]
    assert dublin.url == "https://iww.example.org/chapters/1/"


def test_a_second_sync_asks_only_for_what_changed_and_applies_deletions(peer_network,
                                                                      fake_peer):
    sync.sync(peer_network)
    fake_peer.records.append(peer_record("1", deleted=True))
    fake_peer.requests.clear()
    peer_network.refresh_from_db()
    sync.sync(peer_network)
    feed_requests = [r for r in fake_peer.requests if r["path"] == "/federation/feed/"]
    assert len(feed_requests) == 1
    assert names() == {"IWW Cork Tech Workers"}


def test_feed_pages_are_followed_to_the_end(peer_network, fake_peer, monkeypatch):
    monkeypatch.setattr(sync, "PAGE_LIMIT", 1)
    fake_peer.records.append(peer_record("3", name="IWW Galway", city="Galway"))
    assert sync.sync(peer_network) == 3
    assert len(names()) == 3


@pytest.mark.parametrize("mode, error", [
    ("tamper", "not signed by the peer's key"),
    ("other_key", "not signed by the peer's key"),
    ("oversized", "too large"),
    ("hang", "too long"),
    ("redirect", "redirect"),
    ("garbage", "not signed"),
])
def test_a_misbehaving_peer_changes_nothing(peer_network, fake_peer, mode, error):
    sync.sync(peer_network)
    before = sorted(PeerChapter.objects.values_list("remote_id", "name", "city"))
    fake_peer.records += [peer_record("1", name="Renamed"), peer_record("9", name="New")]
    fake_peer.mode = mode
    peer_network.refresh_from_db()
    assert sync.sync(peer_network) == 0
    assert sorted(PeerChapter.objects.values_list("remote_id", "name", "city")) == before
    peer_network.refresh_from_db()
    assert error in peer_network.last_error
    assert peer_network.failures == 1 and peer_network.next_attempt_at > timezone.now()
    assert peer_network.last_success_at is not None  # the last good sync stays on record


def test_a_key_that_does_not_match_the_fingerprint_is_refused(peer_network, fake_peer):
    PeerNetwork.objects.filter(pk=peer_network.pk).update(key_fingerprint="ab" * 32)
    peer_network.refresh_from_db()
    sync.sync(peer_network)
    assert names() == set()
    peer_network.refresh_from_db()
    assert "does not match the fingerprint" in peer_network.last_error


def test_a_peer_that_changes_its_key_is_refused_even_with_a_new_fingerprint(peer_network,
                                                                         fake_peer):
    from joserfc.jwk import OKPKey

    sync.sync(peer_network)
    fake_peer.key = OKPKey.generate_key("Ed25519")
    PeerNetwork.objects.filter(pk=peer_network.pk).update(key_fingerprint=fake_peer.fingerprint)
    peer_network.refresh_from_db()
    sync.sync(peer_network)
    peer_network.refresh_from_db()
    assert "another key" in peer_network.last_error


@pytest.mark.parametrize("bad", [
    {"latitude": 123.0}, {"kind": "secret"}, {"name": "x" * 500}, {"name": "A\x00B"},
    {"url": "javascript:alert(1)"}, {"contact": {"email": "not an address"}},
    {"languages": ["<script>"]}, {"updated": "yesterday"}, {"who_may_join": "text"},
])
def test_one_malformed_record_rejects_the_whole_page(peer_network, fake_peer, bad):
    fake_peer.records = [peer_record("1"), peer_record("2", **bad)]
    sync.sync(peer_network)
    assert names() == set()
    peer_network.refresh_from_db()
    assert peer_network.last_error


def test_fields_outside_the_allow_list_are_never_stored(peer_network, fake_peer):
    fake_peer.records = [peer_record("1", members=["someone@example.org"],
                                     organizer_email="boss@example.org")]
    sync.sync(peer_network)
    stored = PeerChapter.objects.values()[0]
    assert "someone@example.org" not in repr(stored)
    assert "boss@example.org" not in repr(stored)


def test_requests_to_a_peer_carry_no_cookie_and_say_who_asks(peer_network, fake_peer):
    sync.sync(peer_network)
    assert fake_peer.requests
    for request in fake_peer.requests:
        assert "Cookie" not in request["headers"]
        assert request["path"] in ("/.well-known/chapter-directory", "/federation/feed/")


def test_backoff_doubles_and_is_capped():
    assert sync.backoff(1) == dt.timedelta(minutes=5)
    assert sync.backoff(2) == dt.timedelta(minutes=10)
    assert sync.backoff(30) == dt.timedelta(days=1)


def test_the_periodic_job_skips_paused_peers_and_those_backing_off(peer_network, fake_peer):
    PeerNetwork.objects.filter(pk=peer_network.pk).update(is_paused=True)
    sync_peers()
    assert names() == set()
    PeerNetwork.objects.filter(pk=peer_network.pk).update(
        is_paused=False, next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    sync_peers()
    assert names() == set()
    PeerNetwork.objects.filter(pk=peer_network.pk).update(next_attempt_at=None)
    sync_peers()
    assert len(names()) == 2


def test_removing_a_peer_removes_its_groups(peer_network, fake_peer):
    from federation import services

    sync.sync(peer_network)
    services.remove_peer(peer_network, actor=None)
    assert PeerChapter.objects.count() == 0


def test_a_full_page_of_records_is_accepted(peer_network, fake_peer):
    # 500 records are about 260 kB: past the 128 kB joserfc allows by default.
    fake_peer.records = [peer_record(str(n), name=f"Group {n}") for n in range(1, 701)]
    assert sync.sync(peer_network) == 700
    peer_network.refresh_from_db()
    assert peer_network.last_error == ""


def test_an_unexpected_failure_is_that_peers_alone(peer_network, fake_peer, monkeypatch):
    second = PeerNetwork.objects.create(name="Second", slug="second", base_url=fake_peer.url + "/",
                                        key_fingerprint=fake_peer.fingerprint)
    real = sync.clean_record
    calls = []

    def failing_once(raw):
        calls.append(raw["id"])
        if len(calls) == 1:
            raise RuntimeError("a bug set off by this answer")
        return real(raw)

    monkeypatch.setattr(sync, "clean_record", failing_once)
    sync_peers()
    peer_network.refresh_from_db()
    second.refresh_from_db()
    assert peer_network.last_error == "The peer's answer could not be read."
    assert peer_network.failures == 1
    assert second.last_error == "" and PeerChapter.objects.filter(network=second).count() == 2
