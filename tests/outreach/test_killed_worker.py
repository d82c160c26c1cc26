"""A real worker process killed with SIGKILL mid-send (PostgreSQL): nobody is skipped, and
no row marked sent goes again."""

import collections
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from outreach import audiences, jobs, services
from outreach.models import Audience, Delivery, Message, MessageKind
from tests import factories
from tests.factories import make_follow

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

RECIPIENTS = 300


def _worker(mail_dir: Path, *extra: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                         f"{db['PORT'] or 5432}/{db['NAME']}"),
        "EMAIL_BACKEND": "tests.outreach.slowmail.EmailBackend",
        "OUTREACH_TEST_MAIL_DIR": str(mail_dir),
        "DJANGO_DEBUG": "1",
        "PERIODIC_JOBS_ON_MIGRATE": "0",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.1",
         *extra],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _received(mail_dir: Path) -> collections.Counter:
    counts = collections.Counter()
    for path in mail_dir.iterdir():
        counts.update(re.findall(r"^To: (\S+)$", path.read_text(), flags=re.MULTILINE))
    return counts


def test_a_worker_killed_mid_send_resumes_without_skipping_or_resending(tmp_path):
    factories.make_policy(None)
    chapter = factories.make_chapter("killed", name="TWC Killed")
    organizer = factories.make_organizer(chapter, "organizer@example.org")
    for n in range(RECIPIENTS - 1):
        make_follow(chapter, f"follower{n:04d}@example.org")
    message = services.save_draft(actor=organizer, chapter=chapter, fields={
        "subject": "Strike fund", "body": "Give what you can.", "audience": Audience.FOLLOWERS})
    assert audiences.count(message) == RECIPIENTS
    services.send_announcement(message, actor=organizer, expected=RECIPIENTS)

    worker = _worker(tmp_path)
    deadline = time.monotonic() + 60
    try:
        while Delivery.objects.filter(message=message, sent_at__isnull=False).count() < 100:
            assert time.monotonic() < deadline, "the worker sent nothing"
            assert worker.poll() is None, "the worker stopped by itself"
            time.sleep(0.02)
    finally:
        os.kill(worker.pid, signal.SIGKILL)  # mid-send: no clean-up, no final commit
        worker.wait(timeout=30)
    marked = set(Delivery.objects.filter(message=message, sent_at__isnull=False)
                 .values_list("email", flat=True))
    assert 100 <= len(marked) < RECIPIENTS, "kill the worker before it finishes"
    before = _received(tmp_path)
    assert marked <= set(before)  # every row marked sent was sent

    # Its task row stays "running" for ever; the periodic job queues the message again.
    assert jobs.resume_stalled(timezone.now() + jobs.STALLED_AFTER * 2) == 1
    second = _worker(tmp_path, "--batch")
    try:
        assert second.wait(timeout=120) == 0
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()

    received = _received(tmp_path)
    everyone = {"organizer@example.org", *(f"follower{n:04d}@example.org"
                                           for n in range(RECIPIENTS - 1))}
    assert set(received) == everyone  # nobody skipped
    assert all(received[address] == 1 for address in marked)  # a marked row never again
    repeated = [address for address, n in received.items() if n > 1]
    # Only the row in flight at the kill (sent, its mark not committed) may go twice.
    assert len(repeated) <= 1 and not set(repeated) & marked
    assert not Delivery.objects.filter(message=message, sent_at__isnull=True).exists()
    assert Message.objects.get(pk=message.pk).finished_at is not None
    assert Message.objects.get(pk=message.pk).kind == MessageKind.ANNOUNCEMENT


@pytest.fixture(autouse=True)
def _end_the_killed_workers_database_session():
    """The killed worker's server-side session may outlive it for a moment: end it, so the
    test database can be dropped."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
