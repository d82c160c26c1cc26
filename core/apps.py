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
