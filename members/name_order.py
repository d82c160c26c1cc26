"""The member list's order: each membership row holds a copy of its person's display name
(`Membership.sort_name`), so a chapter's page of members is read from an index of that
table alone instead of walking every person in name order.

Database triggers keep the copy true whatever writes (forms, the admin, bulk updates, raw
SQL, erasure): a membership row's copy is set from its person on every insert and update
(empty when it has no person), and a person's new name reaches their rows in the same
statement. (That statement is a write to the person's membership rows like any other: the
role-version triggers raise an organizer's `roles_version`, so their sessions read their
roles again once, members/roles.py.)
"""

from __future__ import annotations

from django.db import migrations

from core import triggers

_NAME_OF = ("COALESCE((SELECT display_name FROM members_user "
            "WHERE members_user.id = {row}.user_id), '')")

_PG = [
    """
CREATE OR REPLACE FUNCTION members_membership_sort_name_fn() RETURNS trigger AS $$
BEGIN
    NEW.sort_name := """ + _NAME_OF.format(row="NEW") + """;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""",
    "CREATE OR REPLACE TRIGGER members_membership_sort_name BEFORE INSERT OR UPDATE "
    "ON members_membership FOR EACH ROW EXECUTE FUNCTION members_membership_sort_name_fn()",
    """
CREATE OR REPLACE FUNCTION members_user_sort_name_fn() RETURNS trigger AS $$
BEGIN
    UPDATE members_membership SET sort_name = NEW.display_name
    WHERE user_id = NEW.id AND sort_name IS DISTINCT FROM NEW.display_name;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""",
    "CREATE OR REPLACE TRIGGER members_user_sort_name AFTER UPDATE OF display_name "
    "ON members_user FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name) "
    "EXECUTE FUNCTION members_user_sort_name_fn()",
]

# SQLite cannot change NEW in a trigger: the row is corrected after the write, only when
# its copy differs (so the correction does not fire again). Dropped and made again, so a
# changed body reaches databases migrated before.
_SQLITE_FIX = ("WHEN NEW.sort_name IS NOT " + _NAME_OF.format(row="NEW") + " BEGIN "
               "UPDATE members_membership SET sort_name = " + _NAME_OF.format(row="NEW")
               + " WHERE id = NEW.id; END")
_SQLITE = [
    "DROP TRIGGER IF EXISTS members_membership_sort_name_insert",
    "CREATE TRIGGER members_membership_sort_name_insert AFTER INSERT ON members_membership "
    + _SQLITE_FIX,
    "DROP TRIGGER IF EXISTS members_membership_sort_name_update",
    "CREATE TRIGGER members_membership_sort_name_update AFTER UPDATE ON members_membership "
    + _SQLITE_FIX,
    "DROP TRIGGER IF EXISTS members_user_sort_name",
    "CREATE TRIGGER members_user_sort_name AFTER UPDATE OF display_name ON members_user "
    "WHEN OLD.display_name IS NOT NEW.display_name BEGIN "
    "UPDATE members_membership SET sort_name = NEW.display_name "
    "WHERE user_id = NEW.id AND sort_name IS NOT NEW.display_name; END",
]

_DROP_PG = [
    "DROP TRIGGER IF EXISTS members_membership_sort_name ON members_membership",
    "DROP FUNCTION IF EXISTS members_membership_sort_name_fn()",
    "DROP TRIGGER IF EXISTS members_user_sort_name ON members_user",
    "DROP FUNCTION IF EXISTS members_user_sort_name_fn()",
]
_DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS members_membership_sort_name_insert",
    "DROP TRIGGER IF EXISTS members_membership_sort_name_update",
    "DROP TRIGGER IF EXISTS members_user_sort_name",
]


def _columns(connection, cursor, table: str) -> set[str]:
    return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def install_triggers(connection) -> None:
    """Create the triggers where their tables and column exist: safe to repeat (every
    `migrate` calls it, members.apps: SQLite drops a table's triggers when a migration
    rebuilds the table)."""
    tables = set(connection.introspection.table_names())
    if not {"members_user", "members_membership"} <= tables:
        return
    with connection.cursor() as cursor:
        if "sort_name" not in _columns(connection, cursor, "members_membership"):
            return
        if connection.vendor == "postgresql":
            statements = _PG
        elif connection.vendor == "sqlite":
            statements = _SQLITE
        else:
            raise NotImplementedError(f"No name-order triggers for {connection.vendor}.")
        for statement in statements:
            cursor.execute(statement)


def installed_triggers(connection) -> set[str]:
    """The names of the name-order triggers in the database (for tests and checks)."""
    return triggers.installed_triggers(connection, "_sort_name")


def fill(connection) -> None:
    """Copy every person's name into their membership rows (rows written before)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_membership SET sort_name = "
                       + _NAME_OF.format(row="members_membership")
                       + " WHERE user_id IS NOT NULL")


def install_operation() -> migrations.RunPython:
    """A migration operation filling the copies and installing the triggers (and removing
    the triggers on the way back)."""

    def forward(apps, schema_editor):
        fill(schema_editor.connection)
        install_triggers(schema_editor.connection)

    def backward(apps, schema_editor):
        drops = _DROP_PG if schema_editor.connection.vendor == "postgresql" else _DROP_SQLITE
        with schema_editor.connection.cursor() as cursor:
            for statement in drops:
                cursor.execute(statement)

    return migrations.RunPython(forward, backward)
