import pytest

from tests.factories import make_session


@pytest.fixture
def session_a(chapter_a):
    return make_session(chapter_a)


@pytest.fixture
def emails():
    """Run queued tasks with the real worker code and return the sent emails."""
    from django.core import mail

    from tests.tasks import run_queued_tasks

    def sent():
        run_queued_tasks()
        return list(mail.outbox)

    return sent
