"""Rendered public pages, shared by every worker, under the versions of the data they show.

A public page (the directory, a chapter's page, the sessions list, the API) is the same for
every anonymous visitor and changes only when its data does. `public_page` wraps such a
view: the view renders normally, and while it renders, the view and every tag on its page
declare the data they show (`depends_on(SESSIONS, until=...)`). The page is kept with the
versions of those data (`DataVersion`, raised by database triggers in the same transaction
as any write to a watched table) and, where the page shows something that changes with the
clock (the next session leaves the list when it ends), the moment it stops being true.

The pages live in two caches: the `fragments` cache in each worker's memory, in front of the
`pages` cache that every worker shares (a table in the database in production), so a page
one worker rendered is served by every other. Anything personal never enters them: a
signed-in person and a visitor with messages waiting are never served from or stored in
them, and CSRF tokens are taken out before storing and put back, new, for each visitor.

Each app names the tables it watches in its `AppConfig.ready` (`watch(table, name)`).
"""

from __future__ import annotations

import base64
import hashlib
import pickle
import re
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, migrations, router
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import triggers

CHAPTERS = "chapters"  # chapters, partner organizations, peers, the gazetteer
POLICIES = "policies"  # membership policies and their versions
SESSIONS = "sessions"  # onboarding sessions and registrations (places left)
TIMEOUT = 3600

# Every table whose writes change what a cached public page shows, and the version it
# raises: filled by each app's AppConfig.ready through `watch()`.
WATCHED: dict[str, str] = {}
# Tables watched for some columns only: a write that leaves them alone raises nothing.
WATCHED_COLUMNS: dict[str, tuple[str, ...]] = {}


def watch(table: str, name: str, columns: Iterable[str] = ()) -> None:
    """Every write to `table` (to one of `columns`, when given) raises the version `name`."""
    WATCHED[table] = name
    if columns:
        WATCHED_COLUMNS[table] = tuple(columns)


def _data_versions():
    return apps.get_model("chapters", "DataVersion")


_recent: dict[str, tuple[float, dict[str, int]]] = {}


def snapshot() -> dict[str, int]:
    """The current version of every kind of data (a handful of rows), in one query.

    A worker asks the database at most once every `PAGECACHE_VERSION_SECONDS` (one second
    by default): under a crowd, public pages then cost no query at all, and a visitor sees
    a change at most that long after it was made.
    """
    max_age = settings.PAGECACHE_VERSION_SECONDS
    now = time.monotonic()
    if max_age and (recent := _recent.get("all")) and now - recent[0] < max_age:
        return recent[1]
    current = dict(_data_versions().objects.values_list("name", "version"))
    if max_age:
        _recent["all"] = (now, current)
    return current


def versions(*names: str) -> tuple[int, ...]:
    """The current versions of these kinds of data (0 for one never written)."""
    current = snapshot()
    return tuple(current.get(name, 0) for name in names)


_memo: dict[tuple, object] = {}


def remember(name: str, depends_on: Iterable[str], compute: Callable[[], object]) -> object:
    """`compute()`'s answer, kept in this process until the data it depends on changes: for
    small lookups every request makes (the peer networks a search may be restricted to)."""
    return remembered(name, depends_on, compute)[0]


def remembered(name: str, depends_on: Iterable[str],
               compute: Callable[[], object]) -> tuple[object, tuple[int, ...]]:
    """`remember()`'s answer and the versions it is kept under, read before `compute()` ran
    (so the answer is at least as new as they are): what a rendering of the answer kept
    elsewhere must be keyed on, not the versions read again later."""
    names = tuple(depends_on)
    current = versions(*names)
    key = (name, names, current)
    if key not in _memo:
        if len(_memo) > 256:
            _memo.clear()
        _memo[key] = compute()
    return _memo[key], current


def forget() -> None:
    """Empty the caches of rendered pages, this worker's and the shared one, the versions
    this worker trusts, `remember()`'s answers and the parts `{% once %}` keeps (tests,
    and measuring what a page costs when rendered)."""
    from .templatetags import once

    caches["fragments"].clear()
    caches["pages"].clear()
    _recent.clear()
    _memo.clear()
    once.forget()


def bump(*names: str) -> None:
    """Raise versions by hand, after a bulk load that ran with triggers off (COPY)."""
    model = _data_versions()
    for name in names:
        updated = model.objects.filter(name=name).update(version=F("version") + 1)
        if not updated:
            model.objects.get_or_create(name=name, defaults={"version": time.time_ns() // 1000})


# What the render in progress depends on: the data versions it read, and the moment its
# page stops being true (None: only a write changes it).
_collecting: ContextVar[dict | None] = ContextVar("pagecache_collecting", default=None)


def depends_on(*names: str, until: datetime | float | None = None) -> None:
    """Declare, while rendering, that the page shows these data, and until when it holds.

    Called by views and by the tags they embed, before they read the data. Outside a
    cached render it does nothing.
    """
    collected = _collecting.get()
    if collected is None:
        return
    for name in names:
        collected["versions"][name] = collected["current"].get(name, 0)
    if until is not None:
        moment = until.timestamp() if isinstance(until, datetime) else float(until)
        if collected["until"] is None or moment < collected["until"]:
            collected["until"] = moment


def _key(page: str, parts: Iterable[object]) -> str:
    source = repr((page, get_language(), tuple(parts)))
    return "page:" + hashlib.blake2b(source.encode(), digest_size=16).hexdigest()


def _fresh(entry, current: dict[str, int]) -> bool:
    shown, until = entry[0], entry[1]
    if until is not None and time.time() >= until:
        return False
    return all(current.get(name, 0) == version for name, version in shown)


def _lookup(key: str, current: dict[str, int], shared: bool = True):
    """The entry stored under `key` while still true: this worker's copy, else the shared."""
    local = caches["fragments"]
    entry = local.get(key)
    if entry is not None and _fresh(entry, current):
        return entry
    if not shared:
        return None
    entry = caches["pages"].get(key)
    if entry is not None and _fresh(entry, current):
        local.set(key, entry, TIMEOUT)
        return entry
    return None


def _render_and_store(key: str, current: dict[str, int], depends: Iterable[str],
                      render: Callable[[], tuple], storable: Callable[[object, int], bool],
                      shared: bool = True):
    # The versions read before the data: a write during the render makes the stored page
    # out of date at once, never a page of old data under new versions.
    collected = {"current": current, "until": None,
                 "versions": {name: current.get(name, 0) for name in depends}}
    token = _collecting.set(collected)
    try:
        value, status = render()
    finally:
        _collecting.reset(token)
    entry = (tuple(sorted(collected["versions"].items())), collected["until"], value, status)
    if status in (200, 400) and storable(value, status):
        caches["fragments"].set(key, entry, TIMEOUT)
        if shared:
            caches["pages"].set(key, entry, TIMEOUT)
    return entry


def _has_no_token(pieces: dict[str, str], status: int) -> bool:
    return not any("csrfmiddlewaretoken" in html for html in pieces.values())


def fragment(page: str, parts: Iterable[object], depends_on: Iterable[str],
             render: Callable[[], tuple[dict[str, str], int]]
             ) -> tuple[dict[str, SafeString], int]:
    """The named pieces of HTML and the status `render()` gives, from the cache while the
    data they show is unchanged (for a part of a page; whole pages use `public_page`).

    `parts` holds whatever else the HTML depends on (the query, the time zone); the
    language is added here. Only answers with status 200 or 400 are kept, and never HTML
    holding a CSRF token.
    """
    key = _key(page, parts)
    current = snapshot()
    entry = _lookup(key, current)
    if entry is None:
        def rendered():
            pieces, status = render()
            return {name: str(html) for name, html in pieces.items()}, status

        entry = _render_and_store(key, current, depends_on, rendered, _has_no_token)
    return {name: mark_safe(html) for name, html in entry[2].items()}, entry[3]


_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = "\x00csrf\x00"
# Headers a view sets that belong to the page (the API's and the embed's); the rest are
# set anew by the middlewares on every response.
_KEPT_HEADERS = ("Content-Type", "Cache-Control", "Access-Control-Allow-Origin",
                 "Cross-Origin-Resource-Policy", "Content-Language")


def _personal(request: HttpRequest) -> bool:
    """A request whose page may hold something of this person's own."""
    if request.method not in ("GET", "HEAD"):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def public_page(page: str, *, depends: Iterable[str] = (),
                vary: Callable[[HttpRequest], Iterable[object]] | None = None,
                shared: bool = True):
    """Serve the view's page from the shared cache to anonymous visitors while the data it
    shows (`depends`, and what its tags declare with `depends_on`) is unchanged.

    The key holds the page, the language, the address asked for (with its query, host and
    scheme), whether htmx asked, and whatever `vary(request)` gives (the viewer's time zone).
    With `shared` false the page stays in each worker's memory only: for a page whose
    miss already makes as many queries as a page may (10), where the shared cache's read
    and write would be two more.
    """
    depends = tuple(depends)

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if _personal(request):
                return view(request, *args, **kwargs)
            parts = [request.build_absolute_uri(), bool(getattr(request, "htmx", False)),
                     *(vary(request) if vary else ())]
            key = _key(page, parts)
            current = snapshot()
            entry = _lookup(key, current, shared)
            if entry is None:
                made = []

                def render():
                    response = view(request, *args, **kwargs)
                    made.append(response)
                    if (response.streaming or response.cookies
                            or response.status_code not in (200, 400)):
                        return None, response.status_code
                    content = _TOKEN.sub(rf"\g<1>{_PLACEHOLDER}\g<2>",
                                         response.content.decode(response.charset))
                    headers = {name: response[name] for name in _KEPT_HEADERS
                               if name in response}
                    return (content, headers), response.status_code

                def storable(value, status):
                    # Every token was taken out, or the page is not stored.
                    return value is not None and value[0].count("csrfmiddlewaretoken") == (
                        value[0].count(f'csrfmiddlewaretoken" value="{_PLACEHOLDER}"'))

                _render_and_store(key, current, depends, render, storable, shared)
                return made[0]
            (content, headers), status = entry[2], entry[3]
            if _PLACEHOLDER in content:
                content = content.replace(_PLACEHOLDER, get_token(request))
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response[name] = value
            return response

        return wrapper

    return decorator


class DatabasePageCache(DatabaseCache):
    """Django's database cache, writing with one upsert instead of a count, a read and a
    write (a page rendered on a miss costs one query to share); culled by a periodic job
    (`cull`, core.tasks) rather than by counting the table on every write."""

    def cull(self) -> int:
        """Delete the expired pages, and a share of the rest past MAX_ENTRIES; how many
        were left."""
        db = router.db_for_write(self.cache_model_class)
        table = connections[db].ops.quote_name(self._table)
        with connections[db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            count = cursor.fetchone()[0]
            now = datetime.now(tz=UTC if settings.USE_TZ else None).replace(microsecond=0)
            self._cull(db, cursor, now, count)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            return cursor.fetchone()[0]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, "
                f"{quote('expires')}) VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) "
                f"DO UPDATE SET {quote('value')} = EXCLUDED.{quote('value')}, "
                f"{quote('expires')} = EXCLUDED.{quote('expires')}",
                [key, encoded, expires])


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


def _trigger_statements(vendor: str, table: str, name: str,
                        columns: Iterable[str] = ()) -> list[str]:
    trigger = f"{table}_bumps_{name}"
    of = f" OF {', '.join(columns)}" if columns else ""
    if vendor == "postgresql":
        # One statement-level trigger: a bulk update raises the version once.
        return [f"CREATE OR REPLACE TRIGGER {trigger} AFTER INSERT OR UPDATE{of} OR DELETE OR "
                f"TRUNCATE ON {table} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION chapters_bump_data_version('{name}')"]
    if vendor == "sqlite":
        # Row-level only in SQLite: one trigger per kind of write. Dropped and made again,
        # so a changed trigger body reaches databases migrated before the change.
        statements = []
        for event in ("INSERT", "UPDATE", "DELETE"):
            when = f"{event}{of}" if event == "UPDATE" else event
            statements += [f"DROP TRIGGER IF EXISTS {trigger}_{event.lower()}",
                           f"CREATE TRIGGER {trigger}_{event.lower()} AFTER {when} "
                           f"ON {table} BEGIN {_SQLITE_BUMP.format(name=name)} END"]
        return statements
    raise NotImplementedError(f"No data-version triggers for {vendor}.")


def install_triggers(connection) -> None:
    """Create the triggers that raise the data versions, where missing: safe to repeat.

    Every `migrate` calls it (post_migrate, in `CoreConfig.ready`), for every table the
    apps watch: SQLite drops a table's triggers when a migration rebuilds the table (most
    AlterField operations do), and a dropped trigger would leave cached pages stale
    without any error.
    """
    tables = set(connection.introspection.table_names())
    if "chapters_dataversion" not in tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for table, name in WATCHED.items():
            if table in tables:
                for statement in _trigger_statements(connection.vendor, table, name,
                                                     WATCHED_COLUMNS.get(table, ())):
                    cursor.execute(statement)


def installed_triggers(connection) -> set[str]:
    """The names of the data-version triggers in the database (for tests and checks)."""
    return triggers.installed_triggers(connection, "_bumps_")


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
