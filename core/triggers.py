"""Database triggers the apps install for themselves (data versions, role versions)."""


def installed_triggers(connection, containing: str) -> set[str]:
    """The names of the triggers in the database whose name contains `containing`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                           "AND strpos(tgname, %s) > 0", [containing])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND instr(name, %s) > 0", [containing])
        return {row[0] for row in cursor.fetchall()}
