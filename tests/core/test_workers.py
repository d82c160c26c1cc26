"""Recovery of tasks left RUNNING by a worker that is gone, and tasks that meet a lost
database connection (in-process; tests/core/test_worker_processes.py kills real ones)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.emails import enqueue_email
from core.models import TaskWorker
from core.workers import beat, recover_stuck_tasks
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


@task
def flaky_database_task() -> str:
    CALLS.append(1)
    if len(CALLS) == 1:
        raise OperationalError("server closed the connection unexpectedly")
    return "done"


@pytest.fixture(autouse=True)
def _short_limits(settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 30
    settings.TASKS_STUCK_AFTER_SECONDS = 900
    settings.TASK_MAX_ATTEMPTS = 3
    CALLS.clear()


def claimed(worker_id: str, *, seconds_ago: float, attempts: int = 1) -> DBTaskResult:
    enqueue_email("sam@example.org", "test_message", {"name": "Sam"}, key="k")
    row = DBTaskResult.objects.latest("enqueued_at")
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING", worker_ids=[f"earlier-{n}" for n in range(attempts - 1)] + [worker_id],
        started_at=timezone.now() - dt.timedelta(seconds=seconds_ago))
    return row


def seen(worker_id: str, *, seconds_ago: float) -> None:
    beat(worker_id)
    TaskWorker.objects.filter(worker_id=worker_id).update(
        last_seen_at=timezone.now() - dt.timedelta(seconds=seconds_ago))


def status(row: DBTaskResult) -> str:
    return DBTaskResult.objects.get(pk=row.pk).status


def test_a_task_of_a_worker_not_seen_past_the_timeout_goes_back_to_ready_and_is_sent():
    seen("killed", seconds_ago=60)
    row = claimed("killed", seconds_ago=60)
    assert recover_stuck_tasks() == {"ready": 1, "failed": 0}
    assert status(row) == "READY"
    assert run_queued_tasks() == 1
    assert len(mail.outbox) == 1


def test_a_long_task_of_a_live_worker_is_left_alone():
    seen("alive", seconds_ago=2)
    row = claimed("alive", seconds_ago=600)
    assert recover_stuck_tasks() == {"ready": 0, "failed": 0}
    assert status(row) == "RUNNING"


def test_a_task_just_claimed_is_left_alone_even_before_the_first_heartbeat():
    seen("slow-start", seconds_ago=60)
    row = claimed("slow-start", seconds_ago=1)
    recover_stuck_tasks()
    assert status(row) == "RUNNING"


def test_a_worker_without_heartbeats_loses_its_task_only_after_the_long_limit():
    row = claimed("plain-worker", seconds_ago=300)
    recover_stuck_tasks()
    assert status(row) == "RUNNING"
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=901))
    assert recover_stuck_tasks()["ready"] == 1


def test_a_task_whose_workers_keep_dying_is_given_up():
    seen("killed", seconds_ago=60)
    row = claimed("killed", seconds_ago=60, attempts=3)
    assert recover_stuck_tasks() == {"ready": 0, "failed": 1}
    failed = DBTaskResult.objects.get(pk=row.pk)
    assert failed.status == "FAILED" and failed.exception_class_path.endswith("WorkerLost")


def test_the_recover_tasks_command_reports_what_it_did():
    from io import StringIO

    seen("killed", seconds_ago=60)
    claimed("killed", seconds_ago=60)
    out = StringIO()
    call_command("recover_tasks", stdout=out)
    assert out.getvalue().strip() == "1 task(s) back to READY, 0 given up."


def test_a_task_that_meets_a_lost_connection_goes_back_to_ready_not_failed():
    flaky_database_task.enqueue()
    assert run_queued_tasks(limit=1) == 1
    row = DBTaskResult.objects.get()
    assert row.status == "READY"
    assert run_queued_tasks() == 1
    row.refresh_from_db()
    assert (row.status, row.return_value, len(CALLS)) == ("SUCCESSFUL", "done", 2)


def test_a_task_that_fails_otherwise_is_failed_as_before():
    enqueue_email("sam@example.org", "no_such_template", {}, key="k")
    run_queued_tasks()
    assert DBTaskResult.objects.get().status == "FAILED"


def test_the_worker_command_is_the_resilient_one():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "core"


@pytest.mark.django_db
def test_a_task_that_fails_on_a_working_database_is_a_failure_not_a_lost_connection():
    from django.db import IntegrityError

    from core.workers import database_lost

    assert not database_lost(IntegrityError("a real failure of the task"))
    assert not database_lost(ValueError("not the database"))


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite keeps its in-memory test database open")
@pytest.mark.django_db(transaction=True)
def test_a_database_error_on_a_connection_that_no_longer_answers_is_a_lost_connection():
    from django.db import InternalError, connection

    from core.workers import database_lost

    connection.ensure_connection()
    # What a pooler's notice of a dead server reads as: the connection is gone after it.
    connection.close()
    assert database_lost(InternalError("received 2 results from command 'COMMIT'"))
