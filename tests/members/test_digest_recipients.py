"""The daily digest of join requests names people: only organizers who may review them
(with a second factor, as the review page itself demands) receive it."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests import factories
from tests.conftest import signed_in
from tests.tasks import run_queued_tasks


def _ask_to_join(chapter, name: str) -> None:
    asker = factories.make_user(display_name=name, work_kind="qa")
    response = signed_in(asker).post(reverse("members:join", args=[chapter.slug]),
                                     {"owner_executive_investor": "no"})
    assert response.status_code in (200, 302)


def _send_the_digest() -> None:
    DBTaskResult.objects.filter(task_path__endswith="send_join_request_digest").update(
        run_after=timezone.now() - timedelta(seconds=1))
    run_queued_tasks()


def test_organizer_without_second_factor_gets_no_names(alice, chapter_a):
    no_mfa = factories.make_organizer(chapter_a, "nomfa.organizer@example.org", mfa=False)
    assert signed_in(no_mfa).get(
        reverse("members:requests", args=[chapter_a.slug])).status_code in (302, 403)
    _ask_to_join(chapter_a, "Quirinus Asker")
    _send_the_digest()
    to_alice = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert len(to_alice) == 1 and "Quirinus Asker" in to_alice[0].body
    assert not [m for m in mail.outbox if "nomfa.organizer@example.org" in m.to]
    # Nor is an email to them waiting in the queue.
    assert not [t for t in DBTaskResult.objects.all()
                if "nomfa.organizer@example.org" in str(t.args_kwargs)]


def test_no_digest_when_no_organizer_has_a_second_factor(chapter_a):
    factories.make_organizer(chapter_a, "nomfa.only@example.org", mfa=False)
    _ask_to_join(chapter_a, "Quirinus Asker")
    _send_the_digest()
    assert not [m for m in mail.outbox if "Quirinus Asker" in m.body]
