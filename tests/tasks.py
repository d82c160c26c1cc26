"""Run queued background tasks inside a test, with the worker code of `db_worker`.

`manage.py db_worker` closes database connections between tasks, which would end the
transaction a test runs in; this drives the same Worker.run_task() for each ready task.
"""

from django_tasks_db.models import DBTaskResult

from core.workers import ResilientWorker as Worker


def run_queued_tasks(limit: int = 1000) -> int:
    """Run every task that is ready now; return how many ran."""
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        result = DBTaskResult.objects.ready().get_locked()
        if result is None:
            return ran
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran
