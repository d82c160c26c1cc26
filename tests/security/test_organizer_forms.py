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


def _policy(client, chapter, questions: str):
    return client.post(reverse("members:policy", args=[chapter.slug]), {
        "allow_supporters": "on", "approval_required": "on", "questions": questions,
        "note": "Our own questions"})


@pytest.mark.parametrize("questions, error", [
    # Cut at 300 characters before, without a word: the organizer's question lost its end.
    ("* " + "Which workplace " * 30 + "and which team?", "within 300 characters"),
    # One field of the join form per line: 100,000 characters made a form of thousands.
    ("\n".join(f"Question {n}?" for n in range(5000)), "at most 20 questions"),
    # Answers are kept by question: a question asked twice had one answer for both.
    ("Which sector?\n* Which sector?", "twice"),
])
def test_a_policy_with_questions_the_join_form_cannot_ask_is_refused_with_them_kept(
        alice, as_user, chapter_a, questions, error):
    from members.models import PolicyVersion

    before = PolicyVersion.objects.filter(policy__chapter=chapter_a).count()
    response = _policy(as_user(alice), chapter_a, questions)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert questions.splitlines()[-1].replace("?", "") in html  # what was typed, kept
    assert PolicyVersion.objects.filter(policy__chapter=chapter_a).count() == before


def test_twenty_questions_of_300_characters_are_saved_whole_and_asked(alice, as_user, carol,
                                                                      chapter_a):
    from tests.factories import make_user

    questions = [f"{n:02d} " + "x" * 297 for n in range(20)]
    assert _policy(as_user(alice), chapter_a, "\n".join(questions)).status_code == 302
    join = as_user(make_user("asker@example.org")).get(
        reverse("members:join", args=[chapter_a.slug]))
    assert join.status_code == 200
    assert all(q in join.content.decode() for q in questions)


def test_an_unclosed_bold_mark_reaches_no_further_than_the_next_one():
    """Bold ran lazily to any later "**" on the line: from each unclosed "**" the pattern
    scanned to the line's end, so an announcement body of 20,000 characters of "**a " took
    seconds of CPU on every view of its page and feed (anonymous GETs). Bold now ends at
    the next "**", which keeps the scan linear; bold with italics inside still works."""
    from outreach.markup import render_markdown

    assert render_markdown("**a ** b**") == "<p>**a ** b**</p>"
    assert render_markdown("**bold *it* bold** and **more**") == (
        "<p><strong>bold <em>it</em> bold</strong> and <strong>more</strong></p>")
    body = "**a " * 5000
    assert render_markdown(body) == f"<p>{body.strip()}</p>"
