"""Task workers that lose nothing: a heartbeat per worker, recovery of stuck tasks, and a
`db_worker` loop that outlives a database outage.

django-tasks-db claims a task by setting it RUNNING and appending the worker's id to
`worker_ids`; nothing more. A worker killed with `kill -9` (or by the kernel's OOM killer, or
a lost machine) leaves its task RUNNING forever. Here each worker writes a `TaskWorker` row
and refreshes it every `TASK_WORKER_HEARTBEAT_SECONDS` from a thread of its own; every live
worker sweeps, at start and then every few heartbeats, for RUNNING tasks whose worker has
not been seen for `TASK_WORKER_TIMEOUT_SECONDS` and puts them back to READY (or FAILED after
`TASK_MAX_ATTEMPTS` claims, so a task that kills its worker cannot loop forever). A task
claimed by a worker that never wrote a heartbeat (the plain django-tasks-db command) is
recovered only after `TASKS_STUCK_AFTER_SECONDS`.

Running a task twice must therefore be harmless: email tasks go through the ledger in
`core.delivery`; the other tasks check the state they change under a row lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.utils import timezone
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import TaskWorker

logger = logging.getLogger("core.workers")

DATABASE_LOST = (OperationalError, InterfaceError)


def database_lost(error: BaseException) -> bool:
    """Whether a task's error is the database connection going, not the task failing.

    Beside psycopg's connection errors, a connection cut under a transaction pooler can
    surface as another DatabaseError (PgBouncer's notice of a dead server read as a second
    result of the next command: InternalError "received 2 results from command 'COMMIT'").
    Such an error on a connection that no longer answers is a lost connection too: the task
    goes back to READY, and the email ledger makes its rerun harmless.
    """
    if isinstance(error, DATABASE_LOST):
        return True
    if not isinstance(error, DatabaseError):
        return False
    if connection.connection is None:
        return True
    try:
        return not connection.is_usable()
    except Exception:
        return True


def heartbeat_seconds() -> float:
    return float(getattr(settings, "TASK_WORKER_HEARTBEAT_SECONDS", 5))


def timeout_seconds() -> float:
    return float(getattr(settings, "TASK_WORKER_TIMEOUT_SECONDS", 30))


def stuck_after_seconds() -> float:
    return float(getattr(settings, "TASKS_STUCK_AFTER_SECONDS", 900))


def max_attempts() -> int:
    return int(getattr(settings, "TASK_MAX_ATTEMPTS", 5))


class WorkerLost(Exception):
    """Recorded on a task given up after its workers died `TASK_MAX_ATTEMPTS` times."""


def beat(worker_id: str) -> None:
    TaskWorker.objects.update_or_create(worker_id=worker_id, defaults={
        "last_seen_at": timezone.now(), "pid": os.getpid(),
        "hostname": socket.gethostname()[:255]})


def recover_stuck_tasks(now: dt.datetime | None = None) -> dict[str, int]:
    """Put RUNNING tasks whose worker is gone back to READY (FAILED past the attempt limit).

    Returns how many went each way. Safe to run from every worker at once: each row is
    changed only if it still holds the claim that was judged dead.
    """
    now = now or timezone.now()
    timeout = dt.timedelta(seconds=timeout_seconds())
    seen = dict(TaskWorker.objects.values_list("worker_id", "last_seen_at"))
    counts = {"ready": 0, "failed": 0}
    running = DBTaskResult.objects.running().filter(started_at__lt=now - timeout)
    for row in running.only("id", "worker_ids", "started_at", "task_path"):
        worker = row.worker_ids[-1] if row.worker_ids else None
        last_seen = seen.get(worker)
        if last_seen is not None and last_seen >= now - timeout:
            continue  # its worker is alive: a long task, not a stuck one
        if last_seen is None and row.started_at >= now - dt.timedelta(
                seconds=stuck_after_seconds()):
            continue  # a worker without heartbeats: only the long limit tells it is gone
        claim = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING,
                                            started_at=row.started_at)
        if len(row.worker_ids) >= max_attempts():
            changed = claim.update(
                status=TaskResultStatus.FAILED, finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"Its worker stopped without finishing it {len(row.worker_ids)} "
                          "times; given up.")
            counts["failed"] += changed
        else:
            changed = claim.update(status=TaskResultStatus.READY)
            counts["ready"] += changed
        if changed:
            logger.warning("task %s (%s) of lost worker %s: %s", row.pk, row.task_path,
                           worker, "given up" if len(row.worker_ids) >= max_attempts()
                           else "back to READY")
    # Workers not seen for a day are long gone.
    TaskWorker.objects.filter(last_seen_at__lt=now - dt.timedelta(days=1)).delete()
    return counts


class Heartbeat(threading.Thread):
    """Refreshes the worker's row, and sweeps for stuck tasks every few beats; its own
    database connection (Django's are per thread), so a long task never delays it."""

    SWEEP_EVERY = 3

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        beats = 0
        while not self.stopping.wait(heartbeat_seconds()):
            beats += 1
            self.once(sweep=beats % self.SWEEP_EVERY == 0)
        connection.close()

    def once(self, *, sweep: bool) -> None:
        try:
            close_old_connections()
            beat(self.worker_id)
            if sweep:
                recover_stuck_tasks()
        except DatabaseError as error:
            logger.warning("heartbeat of %s: database unavailable (%s)", self.worker_id, error)
            connection.close()


class ResilientWorker(Worker):
    """django-tasks-db's worker, with a heartbeat, and riding out a database outage of up
    to `outage_limit` seconds (then it exits with an error for its supervisor to restart).

    A task interrupted by a lost connection goes back to READY instead of FAILED: the
    database going away says nothing about the task.
    """

    def __init__(self, *, outage_limit: float = 300.0, **kwargs):
        super().__init__(**kwargs)
        self.outage_limit = outage_limit
        self.heartbeat: Heartbeat | None = None

    def run(self) -> None:
        self._when_database_answers(self._start)
        try:
            while True:
                try:
                    super().run()
                    return
                except DATABASE_LOST as error:
                    if not self.running:
                        return
                    logger.warning("worker %s lost the database (%s); waiting for it",
                                   self.worker_id, error)
                    self.startup_delay = False
                    self._when_database_answers(lambda: DBTaskResult.objects.exists())
        finally:
            self._stop()

    def _start(self) -> None:
        beat(self.worker_id)
        recover_stuck_tasks()
        self.heartbeat = Heartbeat(self.worker_id)
        self.heartbeat.start()

    def _stop(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stopping.set()
        try:
            TaskWorker.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            pass  # its row times out by itself

    def _when_database_answers(self, action):
        """Run `action` (a few queries), retrying while the database is unreachable."""
        started = time.monotonic()
        delay = 0.25
        while True:
            try:
                if not connection.in_atomic_block:
                    close_old_connections()
                return action()
            except DATABASE_LOST:
                if not connection.in_atomic_block:
                    connection.close()
                if time.monotonic() - started > self.outage_limit:
                    logger.error("worker %s: no database for %.0f s, exiting", self.worker_id,
                                 self.outage_limit)
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            self.running_task = True
            try:
                task = db_task_result.task
                task_result = db_task_result.task_result
                backend_type = task.get_backend()
                task_started.send(sender=backend_type, task_result=task_result)
                if task.takes_context:
                    return_value = task.call(TaskContext(task_result=task_result),
                                             *task_result.args, **task_result.kwargs)
                else:
                    return_value = task.call(*task_result.args, **task_result.kwargs)
            except BaseException as error:
                if database_lost(error):
                    logger.warning("task %s interrupted by a lost database connection (%s)",
                                   db_task_result.id, error)
                    self._when_database_answers(
                        lambda e=error: self._give_back(db_task_result, e))
                    return
                # The task failed: record it, as django-tasks-db does.
                self._when_database_answers(lambda e=error: db_task_result.set_failed(e))
                self._finished(db_task_result)
                return
            self._when_database_answers(lambda: db_task_result.set_successful(return_value))
            self._finished(db_task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _give_back(self, db_task_result: DBTaskResult, error: BaseException) -> None:
        if len(db_task_result.worker_ids) >= max_attempts():
            db_task_result.set_failed(error)
        else:
            DBTaskResult.objects.filter(pk=db_task_result.pk,
                                        status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY)

    def _finished(self, db_task_result: DBTaskResult) -> None:
        try:
            task_finished.send(sender=type(db_task_result.task.get_backend()),
                               task_result=db_task_result.task_result)
        except Exception:
            logger.exception("task %s: task_finished receivers failed", db_task_result.id)
