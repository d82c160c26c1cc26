from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CdpConfig(AppConfig):
    name = "cdp"
    verbose_name = _("Chapter Development Program")
