"""A code confirmation queues its email and two reminders in one INSERT (core.batch), and
each of them is still sent once however often its task runs: a worker killed mid-task,
recovery running it again (core.delivery)."""

import datetime as dt

from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.emails import send_email
from core.models import EmailDelivery
from onboarding.models import Registration
from onboarding.models import RegistrationStatus as S
from onboarding.tasks import send_reminder
from tests.factories import make_registration
from tests.tasks import run_queued_tasks


def _inserts(queries) -> list[str]:
    return [q["sql"] for q in queries
            if q["sql"].startswith('INSERT INTO "django_tasks_database_dbtaskresult"')]


def _confirm_with_code(session, email: str):
    registration = Registration.objects.get(session=session, email=email)
    with CaptureQueriesContext(connection) as queries:
        response = Client(REMOTE_ADDR="127.0.0.1").post(
            reverse("onboarding:check_email", args=[session.pk]),
            {"email": email, "code": registration.code})
    assert response.status_code == 302
    return queries


def test_a_confirmation_queues_its_email_and_reminders_in_one_insert_each_sent_once(
        session_a):
    """Each task run again, as recovery runs a task whose worker was killed (before or
    after its send): nobody gets an email twice, and none is lost."""
    session_a.capacity = 10
    session_a.save(update_fields=["capacity"])
    make_registration(session_a, "rosa@example.org", status=S.PENDING)
    queries = _confirm_with_code(session_a, "rosa@example.org")
    assert len(_inserts(queries)) == 1
    # The email first (ready now), then the reminders in time order.
    rows = sorted(DBTaskResult.objects.all(),
                  key=lambda r: (r.task_path != send_email.module_path, r.run_after))
    assert [r.task_path for r in rows] == [send_email.module_path] + [
        send_reminder.module_path] * 2
    # The email's worker killed mid-task: recovery sets the row back and it runs again.
    assert run_queued_tasks() == 1
    DBTaskResult.objects.filter(pk=rows[0].pk).update(status="READY")
    assert run_queued_tasks() == 1
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    # The reminders, due, each run twice (each run queues its email, which runs too): one
    # email each.
    DBTaskResult.objects.filter(pk__in=[r.pk for r in rows[1:]]).update(
        run_after=timezone.now() - dt.timedelta(seconds=1))
    assert run_queued_tasks() == 4
    DBTaskResult.objects.filter(pk__in=[r.pk for r in rows[1:]]).update(status="READY")
    assert run_queued_tasks() == 4
    assert len(mail.outbox) == 3
    assert EmailDelivery.objects.filter(status="sent").count() == 3


def test_a_killed_send_before_its_mark_committed_is_sent_by_the_retry(session_a):
    """The worker dies after the mark but before the commit: the row stays `sending`, so the
    retry sends (nobody never gets it)."""
    make_registration(session_a, "rosa@example.org", status=S.PENDING)
    _confirm_with_code(session_a, "rosa@example.org")
    email_row = DBTaskResult.objects.get(task_path=send_email.module_path)

    original = locmem.EmailBackend.send_messages

    def killed(self, messages):
        raise SystemExit("killed")  # what reaches the task when its process is stopped

    locmem.EmailBackend.send_messages = killed
    try:
        run_queued_tasks()
    finally:
        locmem.EmailBackend.send_messages = original
    assert EmailDelivery.objects.get().status == "sending" and not mail.outbox
    # Recovery puts the task back (its worker never finished it) and it runs again.
    DBTaskResult.objects.filter(pk=email_row.pk).update(status="READY")
    assert run_queued_tasks() >= 1
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
