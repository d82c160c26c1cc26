import pytest
from django.core import mail

from tests.tasks import run_queued_tasks


@pytest.fixture
def outbox():
    """Run queued tasks with the real worker code and return the sent emails."""

    def sent():
        run_queued_tasks()
        return list(mail.outbox)

    return sent
