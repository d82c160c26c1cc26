from django.core.management.base import BaseCommand

from core import periodic


class Command(BaseCommand):
    help = "Queue every periodic job that is not queued yet or is overdue."

    def handle(self, *args, **options) -> None:
        queued = periodic.schedule()
        self.stdout.write(", ".join(queued) if queued else "Every periodic job is queued.")
