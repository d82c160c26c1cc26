from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The platform: what every app uses and no domain owns (periodic jobs, the email
    ledger, the task workers' heartbeats)."""

    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import periodic, tasks  # noqa: F401  (tasks registers its periodic jobs)

        # Every deploy migrates: that is when the periodic jobs get their first task row.
        post_migrate.connect(periodic.schedule_after_migrate, sender=self)
        # After every migrate, the data-version triggers on every table an app watches
        # (core.pagecache): a table rebuilt by a migration loses its triggers in SQLite.
        post_migrate.connect(_install_triggers, sender=self,
                             dispatch_uid="core.install_data_version_triggers")


def _install_triggers(sender, using, **kwargs) -> None:
    from django.core.management import call_command
    from django.db import connections

    from .pagecache import install_triggers

    install_triggers(connections[using])
    # The tables of the database caches (the shared pages, the rate limits): made where
    # missing, so a deploy that migrates needs no other step for them.
    call_command("createcachetable", database=using, verbosity=0)
