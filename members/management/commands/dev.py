"""Runs the app for development: migrate, demo data, the task worker and the dev server."""

import os
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

RESTART_DELAY_SECONDS = 2


class WorkerSupervisor(threading.Thread):
    """Keeps one `db_worker` running: started again whenever it exits, until stopped."""

    def __init__(self, command: list[str]):
        super().__init__(name="db_worker-supervisor", daemon=True)
        self.command = command
        self.stopping = threading.Event()
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            self.process = subprocess.Popen(self.command)
            code = self.process.wait()
            if self.stopping.wait(RESTART_DELAY_SECONDS):
                return
            self.restarts += 1
            sys.stderr.write(f"db_worker exited ({code}); starting it again\n")

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Command(BaseCommand):
    help = "Migrate, load the demo data, start the task worker and serve http://127.0.0.1:8000"

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Do not run db_worker.")

    def handle(self, *args, addrport: str, no_worker: bool, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("`manage.py dev` is for development (it sets DJANGO_DEBUG=1).")
        if not os.environ.get("SITE_URL"):
            # Links in emails and on flyers point at the address served here, in this
            # process and in the worker that sends the emails.
            os.environ["SITE_URL"] = settings.SITE_URL = site_url(addrport)
        call_command("migrate", interactive=False, verbosity=1)
        call_command("createcachetable", verbosity=0)
        call_command("load_demo")
        supervisor = None
        if not no_worker:
            # Emails and reminders are background tasks: the worker sends them, and is
            # started again if it dies (a crash, a kill, a database gone for too long).
            supervisor = WorkerSupervisor([sys.executable, "manage.py", "db_worker"])
            supervisor.start()
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if supervisor is not None:
                supervisor.stop()


def site_url(addrport: str) -> str:
    """The address runserver serves for `addrport` ("8101", "0.0.0.0:8101", "[::1]:8101")."""
    host, sep, port = addrport.rpartition(":")
    if not sep:
        host, port = "", addrport
    if host in ("", "0.0.0.0", "0", "[::]"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"
