"""Capacity holds under real concurrency (PostgreSQL: SQLite ignores row locks)."""

import threading

import pytest
from django.db import connection

from onboarding import services
from onboarding.models import Registration
from onboarding.models import RegistrationStatus as S
from tests import factories
from tests.factories import make_registration, make_session

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def run_together(targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait()
            target()
        except Exception as error:  # collected, so the test fails loudly
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_fifty_people_confirming_for_the_last_ten_places():
    factories.make_policy(None)
    chapter = factories.make_chapter("race")
    session = make_session(chapter, capacity=15)
    for number in range(5):
        make_registration(session, f"holder{number}@example.org")
    pending = [services.register(session, name=f"P{n}", email=f"p{n}@example.org")
               for n in range(50)]
    run_together([lambda r=r: services.confirm_email(r) for r in pending])
    statuses = list(Registration.objects.filter(email__startswith="p").values_list(
        "status", flat=True))
    assert statuses.count(S.CONFIRMED) == 10
    assert statuses.count(S.WAITLISTED) == 40


def test_concurrent_cancellations_promote_exactly_as_many_as_left():
    factories.make_policy(None)
    chapter = factories.make_chapter("race2")
    session = make_session(chapter, capacity=5)
    holders = [make_registration(session, f"h{n}@example.org") for n in range(5)]
    for n in range(10):
        make_registration(session, f"w{n}@example.org", status=S.WAITLISTED)
    run_together([lambda r=r: services.cancel_registration(r) for r in holders])
    confirmed = Registration.objects.filter(status=S.CONFIRMED).count()
    assert confirmed == 5
    assert Registration.objects.filter(status=S.WAITLISTED).count() == 5


def test_a_confirmation_does_not_wait_for_its_chapter_row():
    """Confirming locks the session's row, not its chapter's: an edit of the chapter in
    progress (its row locked) holds up no confirmation for any of its sessions."""
    from django.db import connections, transaction

    from chapters.models import Chapter

    factories.make_policy(None)
    chapter = factories.make_chapter("locked-chapter")
    session = make_session(chapter, capacity=10)
    pending = services.register(session, name="P", email="p@example.org")
    holding, release = threading.Event(), threading.Event()

    def hold_the_chapter():
        try:
            with transaction.atomic():
                Chapter.objects.select_for_update().get(pk=chapter.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_chapter)
    holder.start()
    try:
        assert holding.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:  # waiting for the chapter fails the test
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            confirmed = services.confirm_email(pending)
        assert confirmed.status == S.CONFIRMED
        code = services.register(session, name="Q", email="q@example.org")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            assert services.confirm_with_code(session, email="q@example.org",
                                              code=code.code).status == S.CONFIRMED
    finally:
        release.set()
        holder.join()
