"""Onboarding test data: sessions and registrations in real rows."""

import datetime as dt

from django.utils import timezone

from onboarding.models import OnboardingSession, Registration, RegistrationStatus

VENUE = "Secret Hall, Hidden Street 7"
CALL = "https://call.example.org/secret-room-42"


def make_session(chapter, *, days: float = 7, hours: float = 2, **fields) -> OnboardingSession:
    starts = fields.pop("starts_at", None) or timezone.now() + dt.timedelta(days=days)
    defaults = {
        "title": "Welcome session", "description": "What we do.",
        "starts_at": starts, "ends_at": starts + dt.timedelta(hours=hours),
        "format": "hybrid", "language": "en", "capacity": 10,
        "venue_address": VENUE, "call_link": CALL,
    }
    defaults.update(fields)
    return OnboardingSession.objects.create(chapter=chapter, **defaults)


def make_registration(session, email: str | None = None, *,
                      status: str = RegistrationStatus.CONFIRMED, **fields) -> Registration:
    email = email or f"newcomer{Registration.objects.count() + 1}@example.org"
    confirmed = status != RegistrationStatus.PENDING
    return Registration.objects.create(
        session=session, name=fields.pop("name", "Newcomer"), email=email, status=status,
        email_confirmed=confirmed, confirmed_at=timezone.now() if confirmed else None, **fields,
    )
