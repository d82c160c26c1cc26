"""Peering changes: each one audited, inside a transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from audit.log import record
from audit.models import AuditAction
from chapters.models import PeerNetwork

from . import keys


@transaction.atomic
def add_peer(*, name: str, base_url: str, fingerprint: str, actor) -> PeerNetwork:
    """Add a peer network; its chapters appear after its first good sync."""
    base = slugify(name)[:36] or "peer"
    slug, n = base, 2
    while PeerNetwork.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    peer = PeerNetwork.objects.create(name=name, slug=slug, base_url=base_url.rstrip("/"),
                                      key_fingerprint=keys.normalized(fingerprint))
    record(actor, AuditAction.PEER_CHANGED, peer, summary=f"Added peer {name}",
           base_url=peer.base_url, fingerprint=peer.key_fingerprint)
    return peer


@transaction.atomic
def set_paused(peer: PeerNetwork, paused: bool, *, actor) -> PeerNetwork:
    """Pause (its chapters leave the directory, kept) or resume a peer."""
    peer.is_paused = paused
    peer.next_attempt_at = None
    peer.save(update_fields=["is_paused", "next_attempt_at"])
    record(actor, AuditAction.PEER_CHANGED, peer,
           summary=f"{'Paused' if paused else 'Resumed'} peer {peer.name}")
    return peer


@transaction.atomic
def remove_peer(peer: PeerNetwork, *, actor) -> None:
    """Remove a peer and every chapter record it sent."""
    record(actor, AuditAction.PEER_CHANGED, peer, summary=f"Removed peer {peer.name}",
           chapters=peer.chapters.count())
    peer.delete()
