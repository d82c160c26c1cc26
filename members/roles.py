"""A signed-in person's roles, kept in their session between requests, never stale.

Every signed-in page asks `has_mfa` and `organizer_chapter_ids` (members/permissions.py):
the MFA rule, the menu's role links and most predicates. Asked of the database, that is two
queries on every request before the page starts. Instead the answers are kept in the
session under `User.roles_version`, a counter on the person's own row, which the session's
user query reads anyway. Database triggers raise the counter in the same transaction as any
write that could change an answer (bulk updates, the admin and raw SQL included):

- a membership row that is, or was, an active organizer membership (becoming, or no longer
  being, an organizer: a role change, a removal, leaving, a deleted row);
- any authenticator row (a second factor added, removed or changed).

A session whose kept version differs from the person's row recomputes at once, so a removed
organizer or a deleted authenticator loses access on the very next request. Network roles
(Global admin, coach) are flags on the person's row and are never kept here.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.db import migrations

from core import triggers

SESSION_ROLES = "_roles"

# (table, trigger base name, the condition on a row (OLD or NEW) that makes a write matter).
WATCHED = [
    ("members_membership", "members_membership_bumps_roles",
     "{row}.role = 'organizer' AND {row}.status = 'active'"),
    ("mfa_authenticator", "mfa_authenticator_bumps_roles", "1 = 1"),
]

_BUMP = "UPDATE members_user SET roles_version = roles_version + 1 WHERE id = {row}.user_id;"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND ({old}) THEN
        {bump_old}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND ({new}) THEN
        {bump_new}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def _statements(vendor: str, table: str, trigger: str, condition: str) -> list[str]:
    old, new = condition.format(row="OLD"), condition.format(row="NEW")
    if vendor == "postgresql":
        function = f"{trigger}_fn"
        return [
            _PG_FUNCTION.format(function=function, old=old, new=new,
                                bump_old=_BUMP.format(row="OLD"),
                                bump_new=_BUMP.format(row="NEW")),
            f"CREATE OR REPLACE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    if vendor == "sqlite":
        # Dropped and made again, so a changed body reaches databases migrated before.
        bodies = {
            "insert": (new, _BUMP.format(row="NEW")),
            "update": (f"({old}) OR ({new})",
                       _BUMP.format(row="OLD") + " " + _BUMP.format(row="NEW")),
            "delete": (old, _BUMP.format(row="OLD")),
        }
        statements = []
        for event, (when, body) in bodies.items():
            statements += [f"DROP TRIGGER IF EXISTS {trigger}_{event}",
                           f"CREATE TRIGGER {trigger}_{event} AFTER {event.upper()} ON {table} "
                           f"WHEN {when} BEGIN {body} END"]
        return statements
    raise NotImplementedError(f"No role-version triggers for {vendor}.")


def install_triggers(connection) -> None:
    """Create the triggers where their tables exist: safe to repeat. Migrations call it and
    so does every `migrate` afterwards (members.apps): SQLite drops a table's triggers when a
    migration rebuilds the table, and a lost trigger would keep a revoked role alive."""
    tables = set(connection.introspection.table_names())
    if "members_user" not in tables:
        return
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(
            cursor, "members_user")}
        if "roles_version" not in columns:
            return
        for table, trigger, condition in WATCHED:
            if table in tables:
                for statement in _statements(connection.vendor, table, trigger, condition):
                    cursor.execute(statement)


def installed_triggers(connection) -> set[str]:
    """The names of the role-version triggers in the database (for tests and checks)."""
    return triggers.installed_triggers(connection, "_bumps_roles")


def install_operation() -> migrations.RunPython:
    """A migration operation installing the triggers (and removing them on the way back)."""

    def forward(apps, schema_editor):
        install_triggers(schema_editor.connection)

    def backward(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for table, trigger, _condition in WATCHED:
                if schema_editor.connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {trigger}_fn()")
                else:
                    for event in ("insert", "update", "delete"):
                        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}_{event}")

    return migrations.RunPython(forward, backward)


# The per-request memo on the user object (members/permissions.py) and its session keys.
_KEPT = {"_has_mfa": "mfa", "_organizer_chapter_ids": "org"}


def restore(request) -> int | None:
    """Put the session's kept answers on `request.user` when they are for this person at
    their current roles version; return the version seen (None when nobody is signed in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    version = user.roles_version
    kept = request.session.get(SESSION_ROLES)
    if (isinstance(kept, dict) and kept.get("u") == user.pk and kept.get("v") == version):
        if "mfa" in kept:
            user._has_mfa = bool(kept["mfa"])
        if "org" in kept:
            user._organizer_chapter_ids = frozenset(int(pk) for pk in kept["org"])
    return version


def remember(request, version: int | None) -> None:
    """Keep in the session what this request asked the database, under the version seen at
    its start (a role changed meanwhile raised the counter: the next request asks again).
    Nothing is kept when the person signed in or out during the request, or their row was
    read again with another version."""
    if version is None:
        return
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if (user is None or session is None or not user.is_authenticated
            or user.roles_version != version
            or session.get(SESSION_KEY) != str(user.pk)):
        return
    known = {}
    if getattr(user, "_has_mfa", None) is not None:
        known["mfa"] = bool(user._has_mfa)
    if getattr(user, "_organizer_chapter_ids", None) is not None:
        known["org"] = sorted(user._organizer_chapter_ids)
    if not known:
        return
    kept = session.get(SESSION_ROLES)
    if isinstance(kept, dict) and kept.get("u") == user.pk and kept.get("v") == version:
        if all(kept.get(key) == value for key, value in known.items()):
            return
        known = {**{k: kept[k] for k in ("mfa", "org") if k in kept}, **known}
    session[SESSION_ROLES] = {"u": user.pk, "v": version, **known}
