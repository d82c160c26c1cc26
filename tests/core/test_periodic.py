import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import periodic
from core.models import PeriodicJob
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_job(monkeypatch):
    calls = []
    monkeypatch.setattr(periodic, "JOBS", {})
    periodic.every("test.count", dt.timedelta(hours=1))(lambda: calls.append(1) or len(calls))
    return calls


def queued(name: str) -> int:
    return sum(1 for r in DBTaskResult.objects.filter(status="READY") if r.args_kwargs["args"] == [name])


def test_schedule_queues_a_new_job_once(counting_job):
    assert periodic.schedule() == ["test.count"]
    assert periodic.schedule() == []
    assert queued("test.count") == 1


def test_a_run_records_itself_and_queues_the_next_run_an_interval_later(counting_job):
    periodic.schedule()
    assert run_queued_tasks() == 1
    assert counting_job == [1]
    row = PeriodicJob.objects.get(name="test.count")
    assert row.last_result == "1"
    assert row.next_run_at - row.last_run_at == dt.timedelta(hours=1)
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after == row.next_run_at
    # Not due yet: a worker polling now runs nothing.
    assert run_queued_tasks() == 0


def test_a_duplicate_task_for_a_slot_already_run_does_nothing(counting_job):
    periodic.schedule()
    run_queued_tasks()
    periodic.run_periodic.enqueue("test.count")  # e.g. a restored backup's stale row
    run_queued_tasks()
    assert counting_job == [1]


def test_an_overdue_job_whose_task_row_was_lost_is_queued_again(counting_job):
    periodic.schedule()
    run_queued_tasks()
    DBTaskResult.objects.all().delete()
    PeriodicJob.objects.update(next_run_at=timezone.now() - dt.timedelta(hours=3))
    assert periodic.schedule() == ["test.count"]
    run_queued_tasks()
    assert counting_job == [1, 1]
