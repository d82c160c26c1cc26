"""Background work of the members app: the daily digest of join requests."""

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from chapters.models import Chapter
from core.emails import enqueue_email, recipient_language

from .models import JoinRequestDigest, Membership
from .permissions import may_manage_members


@task
def send_join_request_digest(chapter_id: int) -> int:
    """Email the pending requests to the organizers who may review them (with a second
    factor, as the review page demands); return how many were listed.

    One transaction: the digest's slot is consumed exactly when its emails are queued, so a
    retry (a worker killed mid-task) finds the slot used and sends nothing twice.
    """
    with transaction.atomic():
        digest = JoinRequestDigest.objects.select_for_update().filter(
            chapter_id=chapter_id).first()
        chapter = Chapter.objects.filter(pk=chapter_id).first()
        if digest is None or chapter is None:
            return 0
        if digest.scheduled_for is None and digest.last_sent_at is not None:
            return 0  # this slot was sent already (a retried or duplicate task)
        slot = (digest.scheduled_for or timezone.now()).isoformat()
        digest.scheduled_for = None
        digest.last_sent_at = timezone.now()
        digest.save(update_fields=["scheduled_for", "last_sent_at"])
        # A row without a person (an account deleted outside the app) is nobody to write to.
        pending = list(Membership.objects.pending().filter(chapter=chapter, user__isnull=False)
                       .select_related("user").order_by("requested_at"))
        if not pending:
            return 0
        names = [str(m.user) for m in pending]
        queue_url = reverse("members:requests", args=[chapter.slug])
        for organizer in (Membership.objects.organizers().filter(chapter=chapter,
                                                                 user__isnull=False)
                          .select_related("user")):
            # The names are members' data: only someone the review page would let in gets them.
            if not may_manage_members(organizer.user, chapter):
                continue
            enqueue_email(organizer.user.email, "members/join_request_digest",
                          {"chapter": chapter.name, "count": len(pending), "names": names,
                           "queue_url": queue_url},
                          recipient_language(organizer.user),
                          key=f"join_request_digest:{chapter.pk}:{slot}")
    return len(pending)
