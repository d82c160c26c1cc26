"""Runs the app for development: migrate, demo data, the task worker and the dev server."""

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Migrate, load the demo data, start the task worker and serve http://127.0.0.1:8000"

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Do not run db_worker.")

    def handle(self, *args, addrport: str, no_worker: bool, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("`manage.py dev` is for development (it sets DJANGO_DEBUG=1).")
        call_command("migrate", interactive=False, verbosity=1)
        call_command("createcachetable", verbosity=0)
        call_command("load_demo")
        worker = None
        if not no_worker:
            # Emails and reminders are background tasks: the worker sends them.
            worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"])
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
