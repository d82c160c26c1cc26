"""Rate limits in the shared database cache: N actions per window, keys never stored in
clear, and a slot frees itself when its window has passed."""

import pytest
from django.db import connection

from core import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test": (3, 60)}


def test_n_actions_then_no_more(limits):
    assert [ratelimit.take("test", "victim@example.org") for _ in range(5)] == [
        True, True, True, False, False]
    assert ratelimit.remaining("test", "victim@example.org") == 0
    assert ratelimit.remaining("test", "other@example.org") == 3


def test_take_all_takes_nothing_when_one_limit_is_reached(limits):
    for _ in range(3):
        ratelimit.take("test", "a")
    assert not ratelimit.take_all(("test", "a"), ("test", "b"))
    assert ratelimit.remaining("test", "b") == 3


def test_a_slot_frees_itself_after_its_window(limits, monkeypatch):
    import datetime as dt
    import time

    from django.core.cache.backends import db as database_cache
    from django.utils import timezone

    for _ in range(3):
        ratelimit.take("test", "victim@example.org")
    later = timezone.now() + dt.timedelta(seconds=61)
    # The database cache's two clocks: expiry times written, and "now" when reading.
    monkeypatch.setattr(database_cache, "tz_now", lambda: later)
    monkeypatch.setattr(time, "time", lambda: later.timestamp())
    assert ratelimit.remaining("test", "victim@example.org") == 3
    assert ratelimit.take("test", "victim@example.org")


def test_the_cache_table_holds_no_address(limits):
    ratelimit.take("test", "victim@example.org")
    ratelimit.take("test", "203.0.113.7")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM twc_cache")
        rows = " ".join(f"{key} {value}" for key, value in cursor.fetchall())
    assert rows and "victim" not in rows and "203.0.113.7" not in rows


def test_ipv6_clients_count_by_their_network(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    two = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert ratelimit.client_address(one) == ratelimit.client_address(two) == "2001:db8:1:2::/64"
    assert ratelimit.client_address(other) != ratelimit.client_address(one)
    assert ratelimit.client_address(rf.get("/", REMOTE_ADDR="203.0.113.7")) == "203.0.113.7"
