"""Tasks queued together (core.batch): one INSERT for a transition's tasks, rows the same as
`task.enqueue()` writes, and every email among them still sent once however often its task
runs (a worker killed mid-task, recovery running it again)."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import batch
from core.emails import enqueue_email, send_email
from onboarding.tasks import send_reminder
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

_COLUMNS = ("status", "task_path", "args_kwargs", "priority", "queue_name", "run_after",
            "backend_name", "worker_ids", "return_value")


def _inserts(queries) -> list[str]:
    return [q["sql"] for q in queries
            if q["sql"].startswith('INSERT INTO "django_tasks_database_dbtaskresult"')]


def test_tasks_queued_together_are_one_insert_of_the_rows_enqueue_writes():
    later = timezone.now() + dt.timedelta(days=2)
    send_reminder.using(run_after=later).enqueue(7, "day", "2030-01-01T00:00:00+00:00")
    enqueue_email("sam@example.org", "test_message", {"name": "Sam"}, key="thing:1")
    one_by_one = list(DBTaskResult.objects.order_by("task_path").values(*_COLUMNS))
    DBTaskResult.objects.all().delete()
    with CaptureQueriesContext(connection) as queries, batch.together():
        batch.enqueue(send_reminder.using(run_after=later), 7, "day",
                      "2030-01-01T00:00:00+00:00")
        enqueue_email("sam@example.org", "test_message", {"name": "Sam"}, key="thing:1")
        assert not DBTaskResult.objects.exists()  # kept until the block ends
    assert len(_inserts(queries)) == 1
    together = list(DBTaskResult.objects.order_by("task_path").values(*_COLUMNS))
    assert together == one_by_one
    assert all(row.enqueued_at for row in DBTaskResult.objects.all())


def test_a_task_queued_with_no_run_after_is_ready_now():
    with batch.together():
        enqueue_email("sam@example.org", "test_message", {"name": "Sam"}, key="thing:1")
    assert DBTaskResult.objects.ready().count() == 1
    assert run_queued_tasks() == 1 and len(mail.outbox) == 1


def test_a_block_that_raises_queues_nothing_and_a_nested_block_joins_the_outer():
    with pytest.raises(RuntimeError), batch.together():
        enqueue_email("sam@example.org", "test_message", {"name": "Sam"}, key="thing:1")
        raise RuntimeError
    assert not DBTaskResult.objects.exists()
    with CaptureQueriesContext(connection) as queries, batch.together():
        enqueue_email("a@example.org", "test_message", {"name": "A"}, key="thing:1")
        with batch.together():
            enqueue_email("b@example.org", "test_message", {"name": "B"}, key="thing:1")
        assert not DBTaskResult.objects.exists()
    assert len(_inserts(queries)) == 1 and DBTaskResult.objects.count() == 2


def test_outside_a_block_a_task_is_written_at_once():
    batch.enqueue(send_email, ["sam@example.org"], "test_message", {"name": "Sam"}, "", "k")
    assert DBTaskResult.objects.count() == 1


def test_tasks_queued_in_a_transaction_that_rolls_back_do_not_exist():
    with pytest.raises(RuntimeError), transaction.atomic():
        with batch.together():
            enqueue_email("sam@example.org", "test_message", {"name": "Sam"}, key="thing:1")
        raise RuntimeError
    assert not DBTaskResult.objects.exists()
