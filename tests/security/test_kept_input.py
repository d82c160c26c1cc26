"""Regressions found by the fuzz test: a refused program action keeps what was typed."""

from django.urls import reverse

from tests.factories import make_application
from tests.factories import make_user


def test_a_refused_coaching_note_keeps_its_text(coach, as_user, db):
    application = make_application(make_user(), state="in_program", coach=coach)
    response = as_user(coach).post(reverse("cdp:coaching_note", args=[application.pk]),
                                   {"date": "not a date", "text": "Met the core group"})
    assert response.status_code == 400
    assert "Met the core group" in response.content.decode()


def test_a_refused_move_keeps_its_note(admin_user, as_user, db):
    application = make_application(make_user())
    response = as_user(admin_user).post(reverse("cdp:move", args=[application.pk]),
                                        {"to_state": "launched", "note": "Why we moved"})
    assert response.status_code == 400
    assert "Why we moved" in response.content.decode()
