"""Background work of the federation: pulling peers' feeds on a schedule."""

import datetime as dt

from django.tasks import task

from chapters.models import PeerNetwork
from core import periodic

from . import sync


@periodic.every("federation.sync_peers", dt.timedelta(minutes=5))
def sync_peers() -> str:
    """Sync every peer whose next attempt has come (each backs off on its own failures)."""
    return f"{sync.sync_due()} records changed"


@task
def sync_peer(peer_id: int) -> int:
    """An admin's "sync now"."""
    peer = PeerNetwork.objects.filter(pk=peer_id, is_paused=False).first()
    return sync.sync(peer) if peer else 0
