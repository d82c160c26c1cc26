from django.db import models
from django.utils.translation import gettext_lazy as _


class ChapterKind(models.TextChoices):
    LOCAL = "local", _("Local")
    ONLINE = "online", _("Online")


class ChapterStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SEMI_ACTIVE = "semi_active", _("Semi-active")
    DORMANT = "dormant", _("Dormant")
    GRADUATED = "graduated", _("Graduated")
    CLOSED = "closed", _("Closed")


# What the directory lists unless a person asks for more.
DEFAULT_LISTED_STATUSES = (ChapterStatus.ACTIVE, ChapterStatus.SEMI_ACTIVE)
# A chapter in these takes no new members and runs no sign-ups.
NO_NEWCOMER_STATUSES = (ChapterStatus.GRADUATED, ChapterStatus.CLOSED)
