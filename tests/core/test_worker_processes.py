"""Real `db_worker` processes: one killed with SIGKILL in the middle of a send, the database
dropped under another. Every email is delivered exactly once (read from the file backend)."""

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from core.emails import enqueue_email
from members.management.commands.dev import WorkerSupervisor

ROOT = Path(settings.BASE_DIR)
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="worker processes share the database: PostgreSQL")


def delivered(mail_dir: Path) -> collections.Counter:
    """How many messages each address got, from the file backend's files."""
    counts: collections.Counter = collections.Counter()
    for path in mail_dir.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                counts[line[4:].strip()] += 1
    return counts


def start_worker(mail_dir: Path, *, slow: float = 0.0) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "tests.core.slowmail.SlowFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SLOW_MAIL_SECONDS": str(slow),
        "TASK_WORKER_HEARTBEAT_SECONDS": "0.3",
        "TASK_WORKER_TIMEOUT_SECONDS": "2",
        "DJANGO_DEBUG": "",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.stdout.read() if process.stdout else ""


def statuses() -> collections.Counter:
    return collections.Counter(DBTaskResult.objects.values_list("status", flat=True))


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_no_email_and_the_next_sends_none_twice(tmp_path):
    mail_dir = tmp_path / "mail"
    addresses = [f"person{n}@example.org" for n in range(5)]
    for n, address in enumerate(addresses):
        enqueue_email(address, "test_message", {"name": "P"}, key=f"thing:{n}")
    first = start_worker(mail_dir, slow=30)
    second = None
    try:
        wait_for(lambda: statuses()["RUNNING"] == 1, 30, "the first worker to start a send")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        stuck = DBTaskResult.objects.get(status="RUNNING")
        assert delivered(mail_dir) == {}

        second = start_worker(mail_dir)
        wait_for(lambda: statuses() == {"SUCCESSFUL": 5}, 60, "every email to be sent")
    finally:
        stop(first)
        log = stop(second) if second else ""
    assert delivered(mail_dir) == {address: 1 for address in addresses}, log
    stuck.refresh_from_db()
    assert stuck.status == "SUCCESSFUL" and len(stuck.worker_ids) == 2


def outage(seconds: float) -> None:
    """No connections to the test database for a while, the open ones (but ours) cut."""
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = cursor.fetchone()[0]
    db = connection.settings_dict
    admin = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> %s AND pid <> pg_backend_pid()",
                         [name, ours])
            time.sleep(seconds)
        finally:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_lives_through_a_database_outage_and_sends_everything_once(tmp_path):
    mail_dir = tmp_path / "mail"
    before = [f"before{n}@example.org" for n in range(3)]
    for n, address in enumerate(before):
        enqueue_email(address, "test_message", {"name": "P"}, key=f"before:{n}")
    worker = start_worker(mail_dir, slow=1)
    try:
        wait_for(lambda: statuses()["RUNNING"] == 1, 30, "the worker to start a send")
        outage(3)  # the connection drops while a message is being accepted
        wait_for(lambda: statuses() == {"SUCCESSFUL": 3}, 60, "the first emails to be sent")
        outage(3)  # and again while the worker waits for work
        after = [f"after{n}@example.org" for n in range(2)]
        for n, address in enumerate(after):
            enqueue_email(address, "test_message", {"name": "P"}, key=f"after:{n}")
        wait_for(lambda: statuses() == {"SUCCESSFUL": 5}, 60, "every email to be sent")
        assert worker.poll() is None, "the worker exited"
    finally:
        log = stop(worker)
    assert delivered(mail_dir) == {address: 1 for address in before + after}, log
    assert "lost the database" in log, log


def test_manage_py_dev_starts_a_killed_worker_again():
    supervisor = WorkerSupervisor([sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor.start()
    try:
        wait_for(lambda: supervisor.process is not None, 10, "the worker to start")
        first = supervisor.process
        os.kill(first.pid, signal.SIGKILL)
        wait_for(lambda: supervisor.process is not first and supervisor.process.poll() is None,
                 15, "the worker to be started again")
        assert supervisor.restarts == 1
    finally:
        supervisor.stop()
    supervisor.join(timeout=15)
    assert not supervisor.is_alive() and supervisor.process.poll() is not None
