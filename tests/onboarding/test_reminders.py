"""Reminders a day and an hour before: queued on confirmation, sent by the worker,
re-checked when they run."""

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onboarding import services
from onboarding.models import OnboardingSession
from onboarding.times import make_aware_strict
from tests import factories
from tests.factories import make_session
from tests.tasks import run_queued_tasks

REMINDER_PATH = "onboarding.tasks.send_reminder"


def reminders():
    return DBTaskResult.objects.filter(task_path=REMINDER_PATH)


def make_due():
    """Pretend the time has come: the worker picks tasks whose run_after has passed."""
    reminders().update(run_after=timezone.now() - dt.timedelta(seconds=1))


def confirmed(session, email="r@example.org"):
    registration = services.register(session, name="R", email=email)
    return services.confirm_email(registration)


def test_confirmation_queues_two_reminders_at_the_right_times(session_a):
    confirmed(session_a)
    queued = sorted(reminders().values_list("run_after", flat=True))
    assert queued == [session_a.starts_at - dt.timedelta(days=1),
                      session_a.starts_at - dt.timedelta(hours=1)]
    run_queued_tasks()  # not due yet: nothing sent
    assert reminders().filter(status="READY").count() == 2


def test_worker_sends_the_reminders_with_the_venue(session_a, mailoutbox):
    confirmed(session_a)
    run_queued_tasks()
    mailoutbox.clear()
    make_due()
    run_queued_tasks()
    subjects = sorted(m.subject for m in mailoutbox)
    assert len(subjects) == 2 and any("Tomorrow" in s for s in subjects)
    assert all("Secret Hall" in m.body for m in mailoutbox)


def test_no_reminder_for_a_cancelled_registration_or_session(chapter_a, mailoutbox):
    session = make_session(chapter_a)
    registration = confirmed(session)
    services.cancel_registration(registration)
    other = make_session(chapter_a, title="Other")
    confirmed(other, "o@example.org")
    services.cancel_session(other, actor=None)
    run_queued_tasks()
    mailoutbox.clear()
    make_due()
    run_queued_tasks()
    assert mailoutbox == []


def test_moved_session_sends_no_stale_reminder_but_the_new_ones(session_a, mailoutbox):
    confirmed(session_a)
    session_a.starts_at += dt.timedelta(days=2)
    session_a.ends_at += dt.timedelta(days=2)
    services.edit_session(session_a, actor=None, changed=["starts_at", "ends_at"])
    assert reminders().count() == 4
    run_queued_tasks()
    mailoutbox.clear()
    make_due()
    run_queued_tasks()
    assert len(mailoutbox) == 2  # only the two planned for the new start time


def test_no_reminder_in_the_past(chapter_a):
    session = make_session(chapter_a, starts_at=timezone.now() + dt.timedelta(minutes=30))
    confirmed(session)
    assert reminders().count() == 0
    session = make_session(chapter_a, title="Soon", starts_at=timezone.now()
                           + dt.timedelta(hours=5))
    confirmed(session, "s@example.org")
    assert reminders().count() == 1


def test_promotion_queues_reminders(chapter_a):
    session = make_session(chapter_a, capacity=1)
    first = confirmed(session, "a@example.org")
    confirmed(session, "b@example.org")
    assert reminders().count() == 2
    services.cancel_registration(first)
    assert reminders().count() == 4
    assert OnboardingSession.objects.get().places_left == 0


def test_reminders_read_the_time_in_the_recipients_language(chapter_a, mailoutbox):
    starts = make_aware_strict(dt.datetime(2030, 12, 9, 19, 0), "Europe/Berlin")
    session = make_session(chapter_a, starts_at=starts, ends_at=starts + dt.timedelta(
        minutes=90), language="it", registration_closes_at=None)
    factories.make_user("de@example.org", preferred_language="de")
    confirmed(session, "it@example.org")  # no account: the session's language
    confirmed(session, "de@example.org")  # an account that reads German
    run_queued_tasks()
    mailoutbox.clear()
    make_due()
    run_queued_tasks()
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert "lun 9 dic, 19:00–20:30 CET" in bodies["it@example.org"]
    assert "Mo., 9. Dez., 19:00–20:30 CET" in bodies["de@example.org"]
    assert "2030-12-09" not in "".join(bodies.values())
