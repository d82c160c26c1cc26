"""Background tasks of outreach: sending a message's deliveries. The periodic jobs
(digest, expiry, resuming a stalled send) are in `jobs.py`."""

from __future__ import annotations

from django.tasks import task

from . import sending


@task
def deliver(message_id: int) -> int:
    """Send a message's unsent deliveries (safe to run twice at once: rows are locked)."""
    return sending.deliver(message_id)
