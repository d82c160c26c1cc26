"""Rendered public pages, cached per worker under keys that change with the data they show.

A public page (the directory, a chapter's page, the sessions list) costs tens of
milliseconds to render and changes only when its data does. `fragment()` keeps the
rendered HTML in the `fragments` cache (memory of each worker) under a key made of the
page, the viewer's language and time zone, the query, and the versions of the data the
page shows. Those versions (`DataVersion`) are raised by database triggers in the same
transaction as any write to their tables, so one primary-key query tells whether the
cached HTML is still true. Anything personal (CSRF tokens, a signed-in person's own
state) stays outside the cached part: views cache only what every anonymous visitor sees,
and `fragment()` refuses to store HTML that holds a CSRF token.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import migrations
from django.db.models import F
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import DataVersion

CHAPTERS = "chapters"  # chapters, partner organizations, the gazetteer
POLICIES = "policies"  # membership policies and their versions
SESSIONS = "sessions"  # onboarding sessions and registrations (places left)
TIMEOUT = 3600


_recent: dict[tuple[str, ...], tuple[float, tuple[int, ...]]] = {}


def versions(*names: str) -> tuple[int, ...]:
    """The current versions of these kinds of data, in one query.

    A worker asks the database at most once every `PAGECACHE_VERSION_SECONDS` (one second
    by default) for the same names: under a crowd, public pages then cost no query at all,
    and a visitor sees a change at most that long after it was made.
    """
    max_age = settings.PAGECACHE_VERSION_SECONDS
    now = time.monotonic()
    if max_age and (recent := _recent.get(names)) and now - recent[0] < max_age:
        return recent[1]
    found = dict(DataVersion.objects.filter(name__in=names).values_list("name", "version"))
    current = tuple(found.get(name, 0) for name in names)
    if max_age:
        _recent[names] = (now, current)
    return current


_memo: dict[tuple, object] = {}


def remember(name: str, depends_on: Iterable[str], compute: Callable[[], object]) -> object:
    """`compute()`'s answer, kept in this process until the data it depends on changes: for
    small lookups every request makes (the peer networks a search may be restricted to)."""
    names = tuple(depends_on)
    key = (name, names, versions(*names))
    if key not in _memo:
        if len(_memo) > 256:
            _memo.clear()
        _memo[key] = compute()
    return _memo[key]


def forget() -> None:
    """Empty this process's cache of rendered pages and the versions it trusts (tests, and
    measuring what a page costs when rendered)."""
    caches["fragments"].clear()
    _recent.clear()
    _memo.clear()


def bump(*names: str) -> None:
    """Raise versions by hand, after a bulk load that ran with triggers off (COPY)."""
    for name in names:
        updated = DataVersion.objects.filter(name=name).update(version=F("version") + 1)
        if not updated:
            DataVersion.objects.get_or_create(name=name,
                                              defaults={"version": time.time_ns() // 1000})


def fragment(page: str, parts: Iterable[object], depends_on: Iterable[str],
             render: Callable[[], tuple[dict[str, str], int]]
             ) -> tuple[dict[str, SafeString], int]:
    """The named pieces of HTML and the status `render()` gives, from the cache while the
    data they show is unchanged.

    `parts` holds whatever else the HTML depends on (the query, the time zone); the
    language is added here. Only answers with status 200 or 400 are kept.
    """
    names = tuple(depends_on)
    key_source = repr((page, get_language(), tuple(parts), names, versions(*names)))
    key = "page:" + hashlib.blake2b(key_source.encode(), digest_size=16).hexdigest()
    cache = caches["fragments"]
    cached = cache.get(key)
    if cached is None:
        pieces, status = render()
        cached = {name: str(html) for name, html in pieces.items()}, status
        personal = any("csrfmiddlewaretoken" in html for html in cached[0].values())
        if status in (200, 400) and not personal:
            cache.set(key, cached, TIMEOUT)
    pieces, status = cached
    return {name: mark_safe(html) for name, html in pieces.items()}, status


# A version that is missing (its row deleted, or a backup restored without it) starts again
# from the clock in microseconds, not from 1: numbers a worker cached pages under before are
# never handed out again.
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION chapters_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chapters_dataversion (name, version)
    VALUES (TG_ARGV[0], (extract(epoch from clock_timestamp()) * 1000000)::bigint)
    ON CONFLICT (name) DO UPDATE SET version = chapters_dataversion.version + 1;
    RETURN NULL;
END $$;
"""
_SQLITE_BUMP = ("INSERT INTO chapters_dataversion (name, version) VALUES ('{name}', "
                "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)) "
                "ON CONFLICT (name) DO UPDATE SET version = chapters_dataversion.version + 1;")


# Every table whose writes change what a cached public page shows, and the version it raises.
WATCHED = {
    "chapters_chapter": CHAPTERS,
    "chapters_partnerorganization": CHAPTERS,
    "chapters_peernetwork": CHAPTERS,
    "chapters_peerchapter": CHAPTERS,
    "chapters_chapterdescription": CHAPTERS,
    "members_membershippolicy": POLICIES,
    "members_policyversion": POLICIES,
    "onboarding_onboardingsession": SESSIONS,
    "onboarding_registration": SESSIONS,
}


def _trigger_statements(vendor: str, table: str, name: str) -> list[str]:
    trigger = f"{table}_bumps_{name}"
    if vendor == "postgresql":
        # One statement-level trigger: a bulk update raises the version once.
        return [f"CREATE OR REPLACE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR "
                f"TRUNCATE ON {table} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION chapters_bump_data_version('{name}')"]
    if vendor == "sqlite":
        # Row-level only in SQLite: one trigger per kind of write. Dropped and made again,
        # so a changed trigger body reaches databases migrated before the change.
        statements = []
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements += [f"DROP TRIGGER IF EXISTS {trigger}_{event.lower()}",
                           f"CREATE TRIGGER {trigger}_{event.lower()} AFTER {event} "
                           f"ON {table} BEGIN {_SQLITE_BUMP.format(name=name)} END"]
        return statements
    raise NotImplementedError(f"No data-version triggers for {vendor}.")


def install_triggers(connection) -> None:
    """Create the triggers that raise the data versions, where missing: safe to repeat.

    Migrations call it, and so does every `migrate` afterwards (post_migrate, in
    `ChaptersConfig.ready`): SQLite drops a table's triggers when a migration rebuilds the
    table (most AlterField operations do), and a dropped trigger would leave cached pages
    stale without any error.
    """
    tables = set(connection.introspection.table_names())
    if "chapters_dataversion" not in tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for table, name in WATCHED.items():
            if table in tables:
                for statement in _trigger_statements(connection.vendor, table, name):
                    cursor.execute(statement)


def installed_triggers(connection) -> set[str]:
    """The names of the data-version triggers in the database (for tests and checks)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                           "AND tgname LIKE '%%_bumps_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE '%_bumps_%'")
        return {row[0] for row in cursor.fetchall()}


def bump_on_write(table: str, name: str) -> migrations.RunPython:
    """A migration operation: every write to `table` raises the version `name`."""

    def forward(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            schema_editor.execute(_PG_FUNCTION)
        for statement in _trigger_statements(connection.vendor, table, name):
            schema_editor.execute(statement)

    def backward(apps, schema_editor):
        trigger = f"{table}_bumps_{name}"
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}_{event}")

    return migrations.RunPython(forward, backward)
