"""`manage.py db_worker`: django-tasks-db's worker with a heartbeat, recovery of tasks left
RUNNING by a killed worker, and patience when the database goes away (`core.workers`).

This command takes the place of django-tasks-db's own because `core` comes before
`django_tasks_db` in INSTALLED_APPS (the first app that has a command of a name wins).
"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as base

from core.workers import ResilientWorker


class Command(base.Command):
    help = "Run a database background worker (recovers stuck tasks, survives outages)"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--outage-limit", type=float, default=300.0,
            help="Seconds without the database before the worker gives up and exits "
                 "(default: %(default)r)")

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool,
               backend_name: str, startup_delay: bool, reload: bool, max_tasks: int | None,
               worker_id: str, exclude_queues: str, outage_limit: float, **options) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
            worker_id=worker_id, excluded_queue_names=excluded_queue_names,
            outage_limit=outage_limit,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
