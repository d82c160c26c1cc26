"""Loads the demo data. Idempotent: running it twice changes nothing."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = "Load the demo network: real chapters, example.org people, policies and sessions."

    def handle(self, *args, **options) -> None:
        # Each app owns its demo data in a `demo.py` with `load()`; they run in the order of
        # INSTALLED_APPS, lower layers first (people need chapters, sessions need both).
        with transaction.atomic():
            for config in apps.get_app_configs():
                if module_has_submodule(config.module, "demo"):
                    import_module(f"{config.name}.demo").load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
