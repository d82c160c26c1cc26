"""Rate limits in the shared cache (the default cache is the database cache, one for every
process), so the network's sender cannot be made to mail anyone, anything, without limit.

A limit of N per period is N slots; a request takes a free slot with `cache.add`, which
writes only where no live entry exists (an INSERT against the cache table's primary key), so
two processes never take the same slot and at most N actions happen in any window of that
length (a sliding window, not a fixed one that lets 2N through across its edge).
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    """At most `count` actions per `seconds` for one key of one scope."""

    scope: str
    count: int
    seconds: int


def _limit(name: str) -> Limit:
    count, seconds = settings.RATE_LIMITS[name]
    return Limit(name, count, seconds)


def _slots(limit: Limit, key: str) -> list[str]:
    # Keys are hashed: an email address or an IP address never sits in the cache table.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{limit.scope}:{key}".encode()).hexdigest()
    return [f"rl:{limit.scope}:{digest[:32]}:{slot}" for slot in range(limit.count)]


def remaining(name: str, key: str) -> int:
    """How many actions `key` may still take in scope `name` (nothing is taken)."""
    limit = _limit(name)
    slots = _slots(limit, key)
    return limit.count - len(caches["default"].get_many(slots))


def take(name: str, key: str) -> bool:
    """Take one action for `key` in scope `name`: True if allowed, False over the limit."""
    return _take(_limit(name), key)


def take_within(scope: str, key: str, count: int, seconds: int) -> bool:
    """`take` for a limit that is not in RATE_LIMITS (a setting of its own app)."""
    return _take(Limit(scope, count, seconds), key)


def _take(limit: Limit, key: str) -> bool:
    cache = caches["default"]
    slots = _slots(limit, key)
    taken = cache.get_many(slots)
    for slot in slots:
        if slot not in taken and cache.add(slot, 1, timeout=limit.seconds):
            return True
    return False


def take_all(*pairs: tuple[str, str]) -> bool:
    """Take one action in each (scope, key) pair, only if every one of them allows it."""
    if any(remaining(name, key) <= 0 for name, key in pairs):
        return False
    return all([take(name, key) for name, key in pairs])


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth reads it (its rate limits and ours agree, behind a
    proxy too: ALLAUTH_TRUSTED_PROXY_COUNT); an IPv6 client counts by its /64 network."""
    from allauth.account.adapter import get_adapter

    address = get_adapter(request).get_client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def allauth_allows(request: HttpRequest, *, action: str, key: str) -> bool:
    """Whether allauth's limit for `action` still allows one more (nothing is taken): what
    `allauth.core.ratelimit.consume(..., dry_run=True)` answers, in one read of the shared
    cache for every rate of the action (per IP, per key). allauth's own dry run takes and
    frees a lock per rate around its read (a cache add and delete each: ten queries on the
    database cache); a read needs no lock, the one that records a hit (`consume`) keeps it.
    """
    # allauth's internal module: its behaviour is pinned by a test comparing this answer
    # with allauth's own dry run (tests/onboarding/test_post_queries.py).
    from allauth.core.internal import ratelimit as impl

    if request.method == "GET":
        return True
    rates = impl.get_rates(app="allauth.account", action=action)
    keys = [impl.get_cache_key(request, app="allauth.account", action=action, rate=rate,
                               key=key) for rate in rates]
    histories, now = impl.cache.get_many(keys), time.time()
    return all(impl.apply_rate(list(histories.get(cache_key, [])), now, rate, dry_run=True)[0]
               for cache_key, rate in zip(keys, rates, strict=True))
