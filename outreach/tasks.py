"""Background work of outreach: sending messages, the weekly digest, expiring follows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import periodic
from onboarding.models import OnboardingSession, SessionStatus

from . import sending
from .models import Follow, FollowChoice, MessageKind

DIGEST_PERIOD = dt.timedelta(days=7)


# Task rows queued before the send task moved to outreach.sending name it by this path.
deliver = sending.deliver_message


@periodic.every("outreach.weekly_digest", DIGEST_PERIOD)
def send_weekly_digests(now: dt.datetime | None = None) -> str:
    """Each chapter's sessions published in the past week, to its digest readers: one
    message per chapter and week (its key makes a rerun in the same week a no-op)."""
    from .services import notice

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
        if notice(MessageKind.DIGEST, f"digest:{chapter_id}:{year}-{week:02d}",
                  chapter_id=chapter_id, details={"sessions": ids}) is not None:
            sent += 1
    Follow.objects.filter(choice=FollowChoice.DIGEST, confirmed_at__isnull=False).update(
        last_digest_at=now)
    return f"{sent} digests"


@periodic.every("outreach.expire_unconfirmed", dt.timedelta(hours=6))
def expire_unconfirmed() -> str:
    from .services import expire_unconfirmed as expire

    return f"{expire()} expired"


@periodic.every("outreach.resume_stalled", dt.timedelta(minutes=5))
def resume_stalled() -> str:
    return f"{sending.resume_stalled()} resumed"
