"""Backups restore: scripts/backup-restore-check.sh dumps the database with demo data,
restores it into a fresh database and finds the same row count in every table."""

import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup-restore-check.sh"

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"),
]


def database_url(**changes) -> str:
    db = {**connection.settings_dict, **changes}
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def run_check(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), url], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.django_db(transaction=True)
def test_a_backup_with_demo_data_restores_with_every_row():
    call_command("load_demo")  # committed: pg_dump reads from its own connection
    result = run_check(database_url())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical after restore" in result.stdout
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s",
                       [f"{connection.settings_dict['NAME']}_restore_check_%"])
        assert cursor.fetchone()[0] == 0, "the scratch database was left behind"


@pytest.mark.django_db
def test_the_check_fails_when_the_database_cannot_be_dumped():
    result = run_check(database_url(NAME="no_such_database_anywhere"))
    assert result.returncode != 0
