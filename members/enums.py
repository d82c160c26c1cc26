from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkKind(models.TextChoices):
    """The kinds of work named by the network's own texts, and other."""

    DESIGN = "design", _("Designer")
    PROGRAMMING = "programming", _("Programmer")
    QA = "qa", _("QA and testing")
    SUPPORT = "support", _("Support staff")
    OPERATIONS = "operations", _("Operations")
    NETWORKING = "networking", _("Networking")
    CONTENT_MODERATION = "content_moderation", _("Content moderator")
    SYSADMIN = "sysadmin", _("Sysadmin")
    DATA = "data", _("Data worker or labeller")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    PLATFORM = "platform", _("Platform worker or rider")
    NOT_IN_TECH = "not_in_tech", _("I don't work in tech")
    OTHER = "other", _("Other")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ORGANIZER = "organizer", _("Organizer")
