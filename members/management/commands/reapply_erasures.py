"""After restoring a backup: delete again every account that had asked to be erased."""

from django.core.management.base import BaseCommand

from members.services import reapply_erasures


class Command(BaseCommand):
    help = "Apply recorded account erasures again (run after restoring a database backup)."

    def handle(self, *args, **options) -> None:
        erased = reapply_erasures()
        self.stdout.write(f"{erased} account(s) erased again.")
