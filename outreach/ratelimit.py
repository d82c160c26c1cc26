"""Counting requests in the shared (default) cache: every worker process sees the same counts."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def allow(scope: str, who: str, limit: int, seconds: int) -> bool:
    """Count one request by `who` (a client address, an email address) in `scope`; False
    once there were more than `limit` in the window. Keys hold a hash, never the address."""
    # Keyed: a plain hash of an address in the cache table is as good as the address to
    # whoever holds a copy and a guess.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{who.strip().lower()}".encode()
                            ).hexdigest()[:32]
    key = f"outreach:rate:{scope}:{digest}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit
