"""Peer networks and their groups, as a sync would store them."""

from django.utils import timezone

from chapters.models import PeerChapter, PeerNetwork


def make_peer(slug="iww", name="IWW Technology Workers Organizing Committee"):
    return PeerNetwork.objects.create(name=name, slug=slug, base_url=f"https://{slug}.example.org",
                                      key_fingerprint="0" * 64)


def make_group(network, remote_id="1", **fields):
    defaults = dict(name="IWW Dublin Tech Workers", kind="local", status="active",
                    city="Dublin", country="IE", latitude=53.34399, longitude=-6.26719,
                    languages=["en"], who_may_join=["Bosses may not join."],
                    url=f"https://{network.slug}.example.org/chapters/{remote_id}/",
                    updated_at=timezone.now())
    defaults.update(fields)
    return PeerChapter.objects.create(network=network, remote_id=remote_id, **defaults)
