import pytest
from django.core import mail

from outreach.models import Follow, FollowChoice
from tests.tasks import run_queued_tasks


def make_follow(chapter, email, *, choice=FollowChoice.SESSIONS, confirmed=True,
                language="en", user=None) -> Follow:
    from django.utils import timezone

    return Follow.objects.create(chapter=chapter, email=email, choice=choice,
                                 language=language, user=user,
                                 confirmed_at=timezone.now() if confirmed else None)


@pytest.fixture
def outbox():
    """Run queued tasks with the real worker code and return the sent emails."""

    def sent():
        run_queued_tasks()
        return list(mail.outbox)

    return sent
