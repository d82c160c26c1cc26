from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    """The directory across allied networks: our signed public feed, and peers' feeds."""

    name = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the periodic sync)
