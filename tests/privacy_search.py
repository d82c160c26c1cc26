"""Where does a piece of text still live? Every text-bearing column of every table, found by
introspecting the database itself, so tables that any app adds later are searched too."""

from __future__ import annotations

from django.db import connection


def tables_holding(needle: str) -> list[tuple[str, str]]:
    """(table, column) pairs of rows whose value, read as text, contains `needle`
    (case-insensitive). Every column of every table is read as text: JSON, arrays and
    plain text alike."""
    needle = needle.lower()
    found: list[tuple[str, str]] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in
                       connection.introspection.get_table_description(cursor, table)]
            for column in columns:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} "  # noqa: S608 - names from the db
                    f"WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE %s",
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column))
    return found
