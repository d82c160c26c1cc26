"""Periodic jobs on Django's tasks framework, which has no scheduler of its own.

An app registers a job in its `tasks.py` (imported by its `AppConfig.ready()`, so the
registry is complete in every process):

    @periodic.every("outreach.weekly_digest", dt.timedelta(days=7))
    def send_weekly_digests() -> str: ...

Each job has a `PeriodicJob` row and one queued `run_periodic` task with `run_after` set to
its next run. The task locks the row, runs the job, writes the next run time and queues
itself again, all in one transaction, so a job never runs twice for one slot and never
stops: `schedule()` (run after every migrate, and by `manage.py schedule_jobs`) queues any
job whose next run is overdue by more than its interval, e.g. after its task row was lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.tasks import task
from django.utils import timezone


@dataclass(frozen=True)
class Job:
    name: str
    interval: dt.timedelta
    function: Callable[[], object]


JOBS: dict[str, Job] = {}


def every(name: str, interval: dt.timedelta) -> Callable[[Callable], Callable]:
    """Register a function as a periodic job; the function takes no arguments."""

    def register(function: Callable) -> Callable:
        JOBS[name] = Job(name, interval, function)
        return function

    return register


@task
def run_periodic(name: str) -> str:
    """Run one periodic job if its time has come, then queue its next run."""
    from .models import PeriodicJob

    job = JOBS.get(name)
    if job is None:
        return "unknown job"
    now = timezone.now()
    with transaction.atomic():
        row = PeriodicJob.objects.select_for_update().filter(name=name).first()
        if row is None:
            return "not scheduled"
        if row.next_run_at and row.next_run_at > now + dt.timedelta(seconds=1):
            return "not due"  # a duplicate task row: the real one is still waiting
        result = job.function()
        row.last_run_at = now
        row.last_result = str(result if result is not None else "")[:200]
        row.next_run_at = now + job.interval
        row.save()
        run_periodic.using(run_after=row.next_run_at).enqueue(name)
    return row.last_result


def schedule(now: dt.datetime | None = None) -> list[str]:
    """Queue every registered job that has no row yet or is overdue; return their names."""
    from .models import PeriodicJob

    now = now or timezone.now()
    queued = []
    for job in JOBS.values():
        with transaction.atomic():
            row, created = PeriodicJob.objects.select_for_update().get_or_create(
                name=job.name, defaults={"next_run_at": now})
            overdue = row.next_run_at is None or row.next_run_at < now - job.interval
            if created or overdue:
                row.next_run_at = now
                row.save(update_fields=["next_run_at"])
                run_periodic.enqueue(job.name)
                queued.append(job.name)
    return queued


def schedule_after_migrate(**kwargs) -> None:
    # Only once every app's tables exist (post_migrate fires per app; core is last here).
    from django.conf import settings
    from django.db import connection

    if settings.PERIODIC_JOBS_ON_MIGRATE and "core_periodicjob" in connection.introspection.table_names():
        schedule()
