from django.core.management.base import BaseCommand

from core.workers import recover_stuck_tasks


class Command(BaseCommand):
    help = "Put tasks left RUNNING by a worker that is gone back in the queue."

    def handle(self, *args, **options) -> None:
        counts = recover_stuck_tasks()
        self.stdout.write(f"{counts['ready']} task(s) back to READY, "
                          f"{counts['failed']} given up.")
