from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    IN_PROGRAM = "in_program", _("In the program")
    LAUNCHED = "launched", _("Launched")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EventKind(models.TextChoices):
    """What one step of an application's history did."""

    STATE = "state", _("Application changed state")
    COACH = "coach", _("Coach assigned")
    EDIT = "edit", _("Application edited")


FINAL_STATES = (ApplicationState.LAUNCHED, ApplicationState.DECLINED, ApplicationState.WITHDRAWN)
