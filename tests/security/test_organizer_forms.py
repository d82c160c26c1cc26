"""Regressions from the fuzz of the organizers' forms (tests/security/test_organizer_fuzz.py):
what a crafted POST stores must not break a later page, and a stale form must not undo a
state change that committed in between. Both databases."""

from __future__ import annotations

import zoneinfo

import pytest
from django.urls import reverse

from onboarding import services
from onboarding.models import OnboardingSession, SessionStatus
from tests.factories import make_registration, make_session

pytestmark = pytest.mark.django_db


def local(moment, chapter) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(chapter.timezone)).strftime("%Y-%m-%dT%H:%M")


def test_a_line_break_in_a_session_title_leaves_its_calendars_readable(alice, as_user,
                                                                      chapter_a):
    """A text input drops line breaks; a crafted POST keeps them. The title names the .ics
    calendar (X-WR-CALNAME), which icalendar refused to write unescaped: a 500 for everyone."""
    session = make_session(chapter_a)
    registration = make_registration(session, "late@example.org")
    edit = as_user(alice).post(reverse("onboarding:edit", args=[session.pk]), {
        "title": "First line\r\nX-INJECTED:1", "description": "What we do.",
        "starts_at": local(session.starts_at, chapter_a), "ends_at": local(session.ends_at, chapter_a),
        "format": "online", "language": "en", "capacity": "10",
        "call_link": "https://meet.example.org/x"})
    assert edit.status_code == 302, edit.content.decode()[:2000]
    for url in (reverse("onboarding:ics", args=[session.pk]),
                reverse("onboarding:registration_ics", args=[registration.token]),
                reverse("onboarding:feed", args=[chapter_a.slug])):
        response = as_user(alice).get(url)
        assert response.status_code == 200, url
        ics = b"".join(response).decode() if response.streaming else response.content.decode()
        assert "\r\nX-INJECTED" not in ics
        assert "First line\\nX-INJECTED:1" in ics.replace("\r\n ", "")


def test_an_edit_sent_before_a_cancel_committed_does_not_undo_the_cancel(alice, chapter_a):
    """The organizer's edit form was loaded (the session scheduled); another organizer
    cancels; the edit arrives: the session stays cancelled, and the edit is refused."""
    session = make_session(chapter_a)
    stale = OnboardingSession.objects.get(pk=session.pk)
    services.cancel_session(session, actor=alice, reason="Venue closed")
    stale.title = "Renamed"
    with pytest.raises(services.TransitionError):
        services.edit_session(stale, actor=alice, changed=["title"])
    stored = OnboardingSession.objects.get(pk=session.pk)
    assert (stored.status, stored.cancel_reason, stored.title) == (
        SessionStatus.CANCELLED, "Venue closed", "Welcome session")
