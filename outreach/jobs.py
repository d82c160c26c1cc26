"""The periodic jobs of outreach (core.periodic): the weekly digest, expiring unconfirmed
follows, resuming a stalled send. Apart from `tasks.py`, which the services queue, so that
nothing here is imported back."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import periodic
from onboarding.models import OnboardingSession, SessionStatus

from . import services
from .models import Follow, FollowChoice, Message, MessageKind
from .tasks import deliver as deliver_task

DIGEST_PERIOD = dt.timedelta(days=7)


@periodic.every("outreach.weekly_digest", DIGEST_PERIOD)
def send_weekly_digests(now: dt.datetime | None = None) -> str:
    """Each chapter's sessions published in the past week, to its digest readers: one
    message per chapter and week (its key makes a rerun in the same week a no-op)."""
    now = now or timezone.now()
    since = now - DIGEST_PERIOD
    year, week, _ = now.isocalendar()
    readers = Follow.objects.filter(chapter=OuterRef("chapter")).receiving(FollowChoice.DIGEST)
    sessions = (OnboardingSession.objects.filter(created_at__gte=since, starts_at__gte=now,
                                                 status=SessionStatus.SCHEDULED,
                                                 chapter__is_listed=True)
                .filter(Exists(readers)).order_by("chapter_id", "starts_at")
                .values_list("chapter_id", "pk"))
    by_chapter: dict[int, list[int]] = {}
    for chapter_id, pk in sessions:
        by_chapter.setdefault(chapter_id, []).append(pk)
    sent = 0
    for chapter_id, ids in by_chapter.items():
        if services.notice(MessageKind.DIGEST, f"digest:{chapter_id}:{year}-{week:02d}",
                  chapter_id=chapter_id, details={"sessions": ids}) is not None:
            sent += 1
    Follow.objects.filter(choice=FollowChoice.DIGEST, confirmed_at__isnull=False).update(
        last_digest_at=now)
    return f"{sent} digests"


@periodic.every("outreach.expire_unconfirmed", dt.timedelta(hours=6))
def expire_unconfirmed() -> str:
    return f"{services.expire_unconfirmed()} expired"


@periodic.every("outreach.resume_stalled", dt.timedelta(minutes=5))
def resume_stalled_sends() -> str:
    return f"{resume_stalled()} resumed"


STALLED_AFTER = dt.timedelta(minutes=10)


def resume_stalled(now: dt.datetime | None = None) -> int:
    """Queue the send again for messages with unsent rows and no progress for a while (their
    worker died: its task row stays "running" for ever)."""
    now = now or timezone.now()
    stalled = list(Message.objects.filter(sent_at__isnull=False, finished_at__isnull=True,
                                          progress_at__lt=now - STALLED_AFTER)
                   .values_list("pk", flat=True))
    for pk in stalled:
        Message.objects.filter(pk=pk).update(progress_at=now)
        deliver_task.enqueue(pk)
    return len(stalled)
