"""Review: a peer's dates that parse badly or leave the calendar are its refusal, never an
exception that stops the sync of the other peers."""

import pytest

from chapters.models import PeerChapter, PeerNetwork
from federation import sync
from tests.federation.conftest import peer_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer_network(fake_peer, federation_settings):
    return PeerNetwork.objects.create(name="IWW TWOC", slug="iww", base_url=fake_peer.url,
                                      key_fingerprint=fake_peer.fingerprint)


@pytest.mark.parametrize("updated", [
    "2026-02-30T00:00:00+00:00",   # well-formed, no such day: parse_datetime raises
    "9999-12-31T23:59:59-23:59",   # past year 9999 once in UTC
    "0001-01-01T00:00:00+23:59",   # before year 1 once in UTC
])
def test_a_date_off_the_calendar_is_the_peers_error(peer_network, fake_peer, updated):
    fake_peer.records = [peer_record("1"), peer_record("2", updated=updated)]
    assert sync.sync(peer_network) == 0
    peer_network.refresh_from_db()
    assert peer_network.last_error and peer_network.failures == 1
    assert not PeerChapter.objects.exists()


@pytest.mark.parametrize("field", ["url", "contact", "successor"])
def test_a_link_longer_than_its_column_is_the_peers_error(peer_network, fake_peer, field):
    """Links are stored in 200-character columns: a longer one (valid as a URL) must be
    refused as malformed, not fail the database write (PostgreSQL enforces the length)."""
    long = "https://iww.example.org/" + "a" * 250
    value = {"url": long, "contact": {"website": long},
             "successor": {"name": "IWW", "url": long}}[field]
    fake_peer.records = [peer_record("1"), peer_record("2", **{field: value})]
    assert sync.sync(peer_network) == 0
    peer_network.refresh_from_db()
    assert peer_network.last_error and peer_network.failures == 1
    assert not PeerChapter.objects.exists()
