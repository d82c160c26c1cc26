"""Loads the demo data. Idempotent: running it twice changes nothing."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app owns its demo data; order matters (people need chapters, sessions need both).
DEMO_MODULES = ["chapters.demo", "members.demo", "onboarding.demo", "cdp.demo",
                "network.demo"]


class Command(BaseCommand):
    help = "Load the demo network: real chapters, example.org people, policies and sessions."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = import_module(name)
                except ModuleNotFoundError as error:
                    if error.name != name.split(".")[0] and error.name != name:
                        raise
                    continue
                module.load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
