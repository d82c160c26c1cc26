from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_triggers(sender, using, **kwargs) -> None:
    from django.db import connections

    from .pagecache import install_triggers

    install_triggers(connections[using])


class ChaptersConfig(AppConfig):
    name = "chapters"
    verbose_name = _("Chapters")

    def ready(self) -> None:
        # After every migrate: a table rebuilt by a migration loses its triggers in SQLite.
        post_migrate.connect(_install_triggers, sender=self,
                             dispatch_uid="chapters.install_data_version_triggers")
