"""Every email task is idempotent: at most one send per recipient, template and object."""

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django_tasks_db.models import DBTaskResult

from core.delivery import deliver_once, recipient_digest
from core.models import EmailDelivery
from core.emails import enqueue_email
from members.models import JoinRequestDigest
from core.personal_data import export_personal_data
from members.services import delete_account
from members.tasks import send_join_request_digest
from onboarding import services as onboarding_services
from onboarding.tasks import send_reminder
from tests.factories import make_chapter, make_user
from tests.factories import make_registration, make_session
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def run_again(task_row: DBTaskResult) -> None:
    """What recovery does to a task whose worker died: back to READY, run it again."""
    DBTaskResult.objects.filter(pk=task_row.pk).update(status="READY")
    assert run_queued_tasks() == 1


def test_a_task_run_again_after_it_sent_sends_nothing_twice():
    enqueue_email("sam@example.org", "test_message", {"name": "Sam"}, key="thing:1")
    run_queued_tasks()
    run_again(DBTaskResult.objects.get())
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    row = EmailDelivery.objects.get()
    assert (row.status, row.template, row.object_key) == ("sent", "test_message", "thing:1")


def test_a_task_without_a_key_is_still_sent_once_however_often_it_runs():
    enqueue_email("sam@example.org", "test_message", {"name": "Sam"})
    run_queued_tasks()
    run_again(DBTaskResult.objects.get())
    assert len(mail.outbox) == 1


def test_the_same_email_queued_twice_goes_out_once_and_another_object_again():
    for key in ("thing:1", "thing:1", "thing:2"):
        enqueue_email("sam@example.org", "test_message", {"name": "Sam"}, key=key)
    run_queued_tasks()
    assert len(mail.outbox) == 2


def test_several_recipients_each_get_their_own_message_once():
    enqueue_email(["a@example.org", "b@example.org"], "test_message", {"name": "X"}, key="k")
    enqueue_email(["b@example.org"], "test_message", {"name": "X"}, key="k")
    run_queued_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)


def test_a_send_that_failed_is_not_skipped_by_the_retry():
    def refused():
        raise ConnectionRefusedError("smtp down")

    with pytest.raises(ConnectionRefusedError):
        deliver_once("sam@example.org", "test_message", "thing:1", refused)
    row = EmailDelivery.objects.get()
    assert (row.status, row.attempts) == ("sending", 1)
    sent = []
    assert deliver_once("sam@example.org", "test_message", "thing:1", lambda: sent.append(1))
    assert sent == [1]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert not deliver_once("sam@example.org", "test_message", "thing:1", lambda: sent.append(1))
    assert sent == [1]


def test_the_mark_is_written_before_the_send_and_rolled_back_if_it_fails():
    """Only the commit lies between the server's acceptance and the ledger's record."""
    seen = []

    def send():
        seen.append(EmailDelivery.objects.get().status)  # same transaction: the mark is there
        raise ConnectionResetError("dropped after DATA")

    with pytest.raises(ConnectionResetError):
        deliver_once("sam@example.org", "test_message", "thing:1", send)
    assert seen == ["sent"]
    assert EmailDelivery.objects.get().status == "sending"  # rolled back: the retry sends


def test_every_attempt_of_one_email_carries_the_same_message_id():
    class Flaky(mail.EmailMessage):
        failures = 1

        def send(self, fail_silently=False):
            if Flaky.failures:
                Flaky.failures -= 1
                raise ConnectionRefusedError("smtp down")
            return super().send(fail_silently)

    first = Flaky("Hi", "Body", to=["sam@example.org"])
    with pytest.raises(ConnectionRefusedError):
        deliver_once("sam@example.org", "test_message", "thing:1", first)
    second = Flaky("Hi", "Body", to=["sam@example.org"])
    assert deliver_once("sam@example.org", "test_message", "thing:1", second)
    other = mail.EmailMessage("Hi", "Body", to=["sam@example.org"])
    assert deliver_once("sam@example.org", "test_message", "thing:2", other)
    ids = [m.message()["Message-ID"] for m in mail.outbox]
    assert ids[0] == first.extra_headers["Message-ID"]
    assert len(ids) == 2 and ids[0] != ids[1]
    assert "sam" not in ids[0]  # made from the ledger row, never from the address


class QuitRecordingBackend(locmem.EmailBackend):
    """Records, when the connection closes (SMTP's QUIT), how many emails the ledger holds
    as sent (committed)."""

    at_quit: list = []

    def close(self):
        QuitRecordingBackend.at_quit.append(
            EmailDelivery.objects.filter(status="sent").count())


def test_a_task_quits_the_mail_server_only_after_each_email_is_marked(settings):
    settings.MAILERS = {"default": {
        "BACKEND": "tests.core.test_email_delivery.QuitRecordingBackend"}}
    QuitRecordingBackend.at_quit = []
    enqueue_email(["a@example.org", "b@example.org"], "test_message", {"name": "X"}, key="k")
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    assert QuitRecordingBackend.at_quit == [2]  # one connection, closed after both marks


def test_the_ledger_holds_no_address():
    enqueue_email("Sam.Secret@example.org", "test_message", {"name": "Sam"}, key="thing:1")
    run_queued_tasks()
    row = EmailDelivery.objects.get()
    assert row.recipient_digest == recipient_digest("sam.secret@example.org")
    assert "secret" not in " ".join(str(v) for v in EmailDelivery.objects.values().get().values())


def test_a_reminder_queued_twice_reaches_the_person_once():
    registration = make_registration(make_session(make_chapter()), "lea@example.org")
    planned = registration.session.starts_at.isoformat()
    assert send_reminder.call(registration.pk, "day", planned)
    assert send_reminder.call(registration.pk, "day", planned)  # e.g. re-run after a kill
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [["lea@example.org"]]
    # A re-planned start is another reminder.
    assert send_reminder.call(registration.pk, "hour", planned)
    run_queued_tasks()
    assert len(mail.outbox) == 2


def test_each_confirmation_request_is_its_own_email_but_each_goes_once():
    session = make_session(make_chapter())
    registration = onboarding_services.register(session, name="Lea", email="lea@example.org")
    run_queued_tasks()
    run_again(DBTaskResult.objects.get())
    assert len(mail.outbox) == 1
    # The resend a day later (RESEND_AFTER) is a second request, sent.
    later = registration.confirmation_sent_at + onboarding_services.RESEND_AFTER
    onboarding_services.register(session, name="Lea", email="lea@example.org", now=later)
    run_queued_tasks()
    assert len(mail.outbox) == 2


def test_a_digest_task_run_again_lists_nothing_twice(chapter_a, alice):
    from tests.factories import make_membership

    make_membership(make_user("newcomer@example.org"), chapter_a, status="pending")
    JoinRequestDigest.objects.update_or_create(chapter=chapter_a, defaults={
        "scheduled_for": None, "last_sent_at": None})
    assert send_join_request_digest.call(chapter_a.pk) == 1
    assert send_join_request_digest.call(chapter_a.pk) == 0  # the slot is used
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_erasure_deletes_the_persons_ledger_rows_and_export_lists_them():
    person = make_user("lea@example.org")
    other = make_user("other@example.org")
    enqueue_email(person.email, "test_message", {"name": "Lea"}, key="k")
    enqueue_email(other.email, "test_message", {"name": "O"}, key="k")
    run_queued_tasks()
    exported = export_personal_data(person)["core"]["emails_sent"]
    assert [(e["template"], e["status"]) for e in exported] == [("test_message", "sent")]
    delete_account(person)
    assert list(EmailDelivery.objects.values_list("recipient_digest", flat=True)) == [
        recipient_digest("other@example.org")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_email_at_once_send_it_once():
    import threading

    barrier = threading.Barrier(4)
    sent = []

    def run():
        try:
            barrier.wait()
            deliver_once("sam@example.org", "test_message", "k", lambda: sent.append(1))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sent == [1]


def test_the_ledger_forgets_sent_emails_after_a_month_but_not_failed_ones():
    import datetime as dt

    from django.utils import timezone

    from core.tasks import prune_email_ledger

    deliver_once("old@example.org", "test_message", "k", lambda: None)
    deliver_once("new@example.org", "test_message", "k", lambda: None)
    with pytest.raises(ConnectionRefusedError):
        deliver_once("failed@example.org", "test_message", "k",
                     lambda: (_ for _ in ()).throw(ConnectionRefusedError()))
    EmailDelivery.objects.filter(recipient_digest=recipient_digest("old@example.org")).update(
        sent_at=timezone.now() - dt.timedelta(days=31))
    assert prune_email_ledger() == "1 deleted"
    assert EmailDelivery.objects.count() == 2


def test_erasure_after_a_key_rotation_still_finds_the_persons_rows(settings):
    person = make_user("lea@example.org")
    deliver_once(person.email, "test_message", "k", lambda: None)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789"
    delete_account(person)
    assert not EmailDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
# The ledger row's insert (recording), and the second read of it (the locked one, before
# the mark and the send).
@pytest.mark.parametrize(("failing", "nth"), [("INSERT", 1), ("SELECT", 2)])
def test_a_database_error_before_the_send_is_tried_again_not_left_unsent(failing, nth, caplog):
    """The connection fails before the message went out (through PgBouncer, a dead server's
    notice read as a second result of BEGIN): the email is sent once, on a new try, and the
    task does not fail with it unsent."""
    from django.db import InternalError

    failures, seen = [], []

    def fail_once(execute, sql, params, many, context):
        if "core_emaildelivery" in sql and sql.lstrip().startswith(failing):
            seen.append(sql)
            if len(seen) == nth and not failures:
                failures.append(sql)
                raise InternalError("received 2 results from command 'BEGIN'")
        return execute(sql, params, many, context)

    message = mail.EmailMessage("Hello", "Body", to=["sam@example.org"])
    with connection.execute_wrapper(fail_once):
        assert deliver_once("sam@example.org", "test_message", "thing:9", message) is True
    assert failures
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert EmailDelivery.objects.get().status == "sent"
    assert "failed before the send" in caplog.text


def test_inside_a_callers_transaction_a_database_error_is_not_swallowed():
    """The test's own transaction holds the connection: no reconnecting under it."""
    from django.db import InternalError

    def fail(execute, sql, params, many, context):
        if "core_emaildelivery" in sql:
            raise InternalError("server closed the connection")
        return execute(sql, params, many, context)

    message = mail.EmailMessage("Hello", "Body", to=["sam@example.org"])
    with connection.execute_wrapper(fail), pytest.raises(InternalError):
        deliver_once("sam@example.org", "test_message", "thing:10", message)
    assert mail.outbox == []
