"""iCalendar: one session (public or the registered person's own copy), a chapter's feed."""

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vText

from .models import OnboardingSession, Registration


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.NETWORK_NAME}//onboarding//EN")
    calendar.add("version", "2.0")
    # An X- property is not text to icalendar unless told: a line break in a session's title
    # (a crafted POST; text inputs drop them) would otherwise fail the whole file.
    calendar.add("x-wr-calname", vText(name))
    return calendar


def _event(session: OnboardingSession, registration: Registration | None = None) -> Event:
    """Public fields only, unless this is a confirmed person's own copy."""
    event = Event()
    host = settings.SITE_URL.split("://", 1)[-1]
    event.add("uid", f"onboarding-session-{session.pk}@{host}")
    event.add("summary", f"{session.title} ({session.chapter.name})")
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("dtstamp", session.updated_at)
    event.add("url", settings.SITE_URL + reverse("onboarding:detail", args=[session.pk]))
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    description = session.description
    if registration is not None and registration.sees_private_details:
        if session.venue_address:
            event.add("location", session.venue_address)
        if session.call_link:
            description = f"{description}\n\n{session.call_link}".strip()
            event.add("conference", session.call_link, parameters={"value": "URI"})
    event.add("description", description)
    return event


def session_ics(session: OnboardingSession, registration: Registration | None = None) -> bytes:
    calendar = _calendar(session.title)
    calendar.add_component(_event(session, registration))
    return calendar.to_ical()


def chapter_feed(chapter, sessions) -> bytes:
    calendar = _calendar(chapter.name)
    for session in sessions:
        calendar.add_component(_event(session))
    return calendar.to_ical()
