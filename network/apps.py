from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("The Global chapter's desk")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the periodic jobs)
