"""Demo onboarding sessions, always upcoming (dates refreshed on each load), keyed by
chapter and title so loading twice does not duplicate; one session is full with a waitlist."""

import datetime as dt

from django.utils import timezone

from chapters.models import Chapter

from .models import OnboardingSession, Registration, RegistrationStatus, SessionFormat
from .times import make_aware_strict

# chapter slug, title, days ahead, local hour, format, language, capacity, registrants
SESSIONS = [
    ("berlin", "Welcome to TWC Berlin", 6, 19, SessionFormat.IN_PERSON, "en", 25, 0),
    ("berlin", "Einführung bei TWC Berlin", 13, 19, SessionFormat.HYBRID, "de", 20, 0),
    ("milan", "Benvenuti a TWC Milano", 9, 18, SessionFormat.IN_PERSON, "it", 15, 0),
    ("turin", "Benvenuti a TWC Torino", 5, 18, SessionFormat.ONLINE, "it", 30, 0),
    ("new-york", "TWC New York newcomer session", 4, 18, SessionFormat.HYBRID, "en", 4, 6),
    ("global", "TWC Global onboarding call", 3, 17, SessionFormat.ONLINE, "en", 40, 0),
]

VENUES = {
    "berlin": "Example Hall, Musterstraße 1, 10115 Berlin (fictional)",
    "milan": "Sala Esempio, Via Esempio 1, 20121 Milano (fictional)",
    "new-york": "Example Center, 1 Example Street, New York, NY (fictional)",
}


def load() -> None:
    chapters = {c.slug: c for c in Chapter.objects.filter(
        slug__in={row[0] for row in SESSIONS})}
    today = timezone.now().date()
    for slug, title, days, hour, fmt, language, capacity, registrants in SESSIONS:
        chapter = chapters.get(slug)
        if chapter is None:
            continue
        day = today + dt.timedelta(days=days)
        starts = make_aware_strict(dt.datetime.combine(day, dt.time(hour)), chapter.timezone)
        online = fmt in (SessionFormat.ONLINE, SessionFormat.HYBRID)
        session, _created = OnboardingSession.objects.update_or_create(
            chapter=chapter, title=title, defaults={
                "description": "What the chapter does, how decisions are made, how to take "
                               "part. Questions welcome.",
                "starts_at": starts, "ends_at": starts + dt.timedelta(hours=1, minutes=30),
                "format": fmt, "language": language, "capacity": capacity,
                "facilitators": "Bea, Sam" if slug == "berlin" else "Nia" if slug ==
                "new-york" else "",
                "venue_address": VENUES.get(slug, "") if fmt != SessionFormat.ONLINE else "",
                "call_link": f"https://meet.example.org/{slug}-onboarding" if online else "",
                "registration_closes_at": None,
                "status": "scheduled",
            },
        )
        for number in range(1, registrants + 1):
            status = (RegistrationStatus.CONFIRMED if number <= capacity
                      else RegistrationStatus.WAITLISTED)
            confirmed_at = session.created_at + dt.timedelta(minutes=number)
            Registration.objects.update_or_create(
                session=session, email=f"newcomer{number}.{slug}@example.org",
                defaults={"name": f"Newcomer {number}", "status": status,
                          "email_confirmed": True, "confirmed_at": confirmed_at},
            )
