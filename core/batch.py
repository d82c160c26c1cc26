"""Tasks queued together: the rows a transition queues (its email, a registration's two
reminders) written in one INSERT instead of one each.

Inside `together()`, `enqueue(task, *args)` keeps the task; when the block ends without an
error, every kept task is written in one `bulk_create`, in the caller's transaction, then
announced as Django's backend announces one (`task_enqueued`). The rows are the ones
`task.enqueue()` writes (same id, path, arguments, priority, queue and run_after), so the
worker, its recovery of a killed run and the email ledger (`core.delivery`) see no
difference: a row exists exactly when the transaction that queued it commits, and each
email task sends at most once per key however often it runs. A block that raises writes
nothing (its transaction rolls back too); a nested block joins the outer one. Outside a
block, or for a task whose backend is not the database's, `enqueue` is `task.enqueue`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.tasks import Task
from django.tasks.signals import task_enqueued
from django.utils.json import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

_kept: ContextVar[list[tuple[Task, tuple]] | None] = ContextVar("core_batch_kept", default=None)


@contextmanager
def together() -> Iterator[None]:
    """Write the tasks enqueued (through `enqueue`) in this block in one INSERT at its end."""
    if _kept.get() is not None:  # an outer block writes them
        yield
        return
    kept: list[tuple[Task, tuple]] = []
    token = _kept.set(kept)
    try:
        yield
    finally:
        _kept.reset(token)
    if kept:
        _write(kept)


def enqueue(task: Task, *args) -> None:
    """`task.enqueue(*args)`, written with the others when a `together()` block is open."""
    kept = _kept.get()
    if kept is None or not isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
        return
    task.get_backend().validate_task(task)
    kept.append((task, args))


def _write(kept: list[tuple[Task, tuple]]) -> None:
    rows = []
    for task, args in kept:
        backend = task.get_backend()
        # As DatabaseBackend._task_to_db_task builds it (its pre_save handler sets a missing
        # run_after to the far future; bulk_create sends no signals, so it is set here).
        rows.append(DBTaskResult(
            id=backend._get_id(), args_kwargs=normalize_json({"args": args, "kwargs": {}}),
            priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
            run_after=task.run_after or get_date_max(), backend_name=backend.alias))
    DBTaskResult.objects.bulk_create(rows)
    for (task, _args), row in zip(kept, rows, strict=True):
        task_enqueued.send(type(task.get_backend()), task_result=row.task_result)
