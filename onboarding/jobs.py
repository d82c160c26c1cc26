"""The onboarding app's periodic jobs (core.periodic): apart from the tasks, which the
services queue, so that nothing here is imported back by the services."""

import datetime as dt

from core import periodic

from . import services


@periodic.every("onboarding.forget_unconfirmed", dt.timedelta(hours=6))
def forget_unconfirmed() -> str:
    """Unconfirmed sign-ups are not kept: see services.FORGET_UNCONFIRMED_AFTER."""
    return f"{services.forget_unconfirmed()} forgotten"
