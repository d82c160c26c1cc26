"""Background work: reminders before a session, re-checked when they run."""

import datetime as dt

from django.tasks import task

from .emails import email_registration
from .models import Registration, RegistrationStatus


@task
def send_reminder(registration_id: int, kind: str, planned_start: str) -> bool:
    """Send a reminder unless the registration, the session or its time changed since."""
    registration = (
        Registration.objects.select_related("session__chapter").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return False
    session = registration.session
    if session.is_cancelled or session.starts_at != dt.datetime.fromisoformat(planned_start):
        return False
    email_registration(registration, f"reminder_{kind}", private=True, occasion=planned_start)
    return True

