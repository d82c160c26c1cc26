"""State changes at the Global chapter's desk: one function per transition.

Each runs in a transaction, checks the current state, writes, records an audit event and
queues its emails (sent after commit by the task worker).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import AuditAction, AuditEvent
from chapters.enums import ChapterStatus
from chapters.models import Chapter
from chapters.services import change_status
from core.emails import enqueue_email, recipient_language
from members.enums import MembershipRole, MembershipStatus
from members.models import Membership

from .models import (
    CLOSED_HELP_STATUSES,
    HelpMessage,
    HelpOffer,
    HelpRequest,
    HelpStatus,
    InactiveChapterFlag,
    InactivityResolution,
    Material,
    OfferStatus,
    Volunteer,
)

if TYPE_CHECKING:
    from members.models import User


class Refused(Exception):
    """A change the current state does not allow; the message is shown to the person."""


def _organizers(chapter_ids) -> dict[int, list[User]]:
    by_chapter: dict[int, list] = {}
    for membership in (Membership.objects.organizers().filter(chapter_id__in=chapter_ids,
                                                              user__is_active=True)
                       .select_related("user")):
        by_chapter.setdefault(membership.chapter_id, []).append(membership.user)
    return by_chapter


def _email_organizers(chapter: Chapter, template: str, context: dict) -> None:
    for user in _organizers([chapter.pk]).get(chapter.pk, []):
        enqueue_email(user.email, template, {"name": str(user), "chapter": chapter.name,
                                             **context}, recipient_language(user))


# ---------------------------------------------------------------------------------------
# Inactive chapters: flagged to their organizers, then reviewed by Global admins.
# ---------------------------------------------------------------------------------------

INACTIVE_AFTER = dt.timedelta(days=90)
# How long organizers have to answer (run a session, act on the site) before admins see it.
ORGANIZERS_FIRST_FOR = dt.timedelta(days=14)
WATCHED_STATUSES = (ChapterStatus.ACTIVE, ChapterStatus.SEMI_ACTIVE)


def recently_active(since: dt.datetime) -> Q:
    """A chapter had a session since `since` (or has one coming), or one of its organizers
    acted for it: decided a request, edited its page or policy, scheduled a session."""
    from onboarding.models import OnboardingSession

    session = OnboardingSession.objects.filter(chapter=OuterRef("pk"), starts_at__gte=since)
    organizer_acted = AuditEvent.objects.filter(
        chapter=OuterRef("pk"), created_at__gte=since,
        actor__memberships__chapter=OuterRef("pk"),
        actor__memberships__status=MembershipStatus.ACTIVE,
        actor__memberships__role=MembershipRole.ORGANIZER)
    decided = Membership.objects.filter(chapter=OuterRef("pk"), decided_at__gte=since,
                                        decided_by__isnull=False)
    return Q(Exists(session)) | Q(Exists(organizer_acted)) | Q(Exists(decided))


def flag_inactive_chapters(now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduled check: flag listed chapters quiet for 90 days and email their
    organizers; clear open flags of chapters that became active again."""
    now = now or timezone.now()
    since = now - INACTIVE_AFTER
    open_flag = InactiveChapterFlag.objects.filter(chapter=OuterRef("pk"), resolved_at=None)
    quiet = (Chapter.objects.listed()
             .filter(status__in=WATCHED_STATUSES, created_at__lt=since)
             .exclude(Exists(open_flag)).exclude(recently_active(since)))
    flagged = 0
    for chapter in quiet.order_by("id").iterator(chunk_size=500):
        with transaction.atomic():
            InactiveChapterFlag.objects.create(chapter=chapter, flagged_at=now,
                                               organizers_told_at=now)
            _email_organizers(chapter, "network/inactive_chapter", {
                "url": f"/chapters/{chapter.slug}/", "days": INACTIVE_AFTER.days,
                "admin_days": ORGANIZERS_FIRST_FOR.days})
        flagged += 1
    # A flag is cleared by any activity after it was raised (open flags are few).
    cleared = 0
    for flag in InactiveChapterFlag.objects.filter(resolved_at=None).order_by("id"):
        if Chapter.objects.filter(pk=flag.chapter_id).filter(
                recently_active(flag.flagged_at)).exists():
            cleared += InactiveChapterFlag.objects.filter(pk=flag.pk, resolved_at=None).update(
                resolved_at=now, resolution=InactivityResolution.ACTIVITY_RESUMED)
    return {"flagged": flagged, "cleared": cleared}


def flags_for_admins(now: dt.datetime | None = None):
    """Open flags whose organizers have had their time to answer."""
    now = now or timezone.now()
    return (InactiveChapterFlag.objects.filter(resolved_at=None,
                                               organizers_told_at__lte=now - ORGANIZERS_FIRST_FOR)
            .select_related("chapter").order_by("flagged_at", "id"))


# An admin's answer -> the chapter status it sets (None: the status stays).
REVIEW_OUTCOMES = {
    InactivityResolution.SEMI_ACTIVE: ChapterStatus.SEMI_ACTIVE,
    InactivityResolution.DORMANT: ChapterStatus.DORMANT,
    InactivityResolution.STILL_ACTIVE: None,
}


def review_inactive_chapter(flag: InactiveChapterFlag, outcome: str, *, actor: User,
                            reason: str) -> InactiveChapterFlag:
    """A Global admin marks a flagged chapter semi-active or dormant (or keeps it), with a
    reason; the status changes through the chapter status service, audited there too."""
    reason = (reason or "").strip()
    if outcome not in REVIEW_OUTCOMES:
        raise Refused(_("Choose what to do with this chapter."))
    if not reason:
        raise Refused(_("Say why: a reason is required."))
    with transaction.atomic():
        flag = InactiveChapterFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.resolved_at is not None:
            raise Refused(_("This chapter was reviewed meanwhile."))
        status = REVIEW_OUTCOMES[outcome]
        if status is not None and flag.chapter.status != status:
            change_status(flag.chapter, status, actor=actor, reason=reason)
        flag.resolved_at, flag.resolved_by = timezone.now(), actor
        flag.resolution, flag.reason = outcome, reason[:300]
        flag.save()
        record(actor, AuditAction.INACTIVITY_REVIEWED, flag, chapter=flag.chapter,
               summary=f"{outcome}: {reason}", outcome=outcome, reason=reason)
    return flag


# ---------------------------------------------------------------------------------------
# Revival: a dormant chapter's application to the program, pre-filled with the chapter.
# ---------------------------------------------------------------------------------------


def revival_fields(chapter: Chapter) -> dict:
    """The application fields a revival takes from the old chapter and its current rules."""
    from members.services import POLICY_RULE_FIELDS, current_versions

    fields = {"proposed_name": chapter.name, "kind": chapter.kind, "city": chapter.city,
              "country": chapter.country, "place": chapter.place,
              "languages": list(chapter.languages or []), "revives": chapter}
    _baseline, own = current_versions(chapter)
    if own is not None:
        fields.update({name: getattr(own, name) for name in POLICY_RULE_FIELDS})
    return fields


# ---------------------------------------------------------------------------------------
# Help between chapters.
# ---------------------------------------------------------------------------------------

HELP_FIELDS = ("kind", "title", "description", "skill", "language", "hours", "deadline")
# An accepted request whose deadline passed this long ago, and not marked done, expires.
ACCEPTED_GRACE = dt.timedelta(days=30)


def set_volunteer(user: User, on: bool) -> None:
    if on:
        Volunteer.objects.get_or_create(user=user)
    else:
        Volunteer.objects.filter(user=user).delete()


def post_help_request(chapter: Chapter, *, actor: User, **fields) -> HelpRequest:
    with transaction.atomic():
        help_request = HelpRequest.objects.create(
            chapter=chapter, posted_by=actor, **{k: fields[k] for k in HELP_FIELDS})
        record(actor, AuditAction.HELP_REQUEST_CHANGED, help_request, chapter=chapter,
               summary=f"posted: {help_request.title}")
    return help_request


def _url(help_request: HelpRequest) -> str:
    return f"/network/help/{help_request.pk}/"


def offer_help(help_request: HelpRequest, *, helper: User, message: str) -> HelpOffer:
    """A volunteer offers help; the chapter's organizers are told (never the helper's
    address: they answer in the app)."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if locked.status != HelpStatus.OPEN:
            raise Refused(_("This request no longer takes offers."))
        if HelpOffer.objects.filter(request=locked, helper=helper).exists():
            raise Refused(_("You have already offered help with this request."))
        offer = HelpOffer.objects.create(request=locked, helper=helper,
                                         message=(message or "").strip())
        _email_organizers(locked.chapter, "network/help_offered", {
            "title": locked.title, "helper": str(helper), "url": _url(locked)})
    return offer


def accept_offer(offer: HelpOffer, *, actor: User) -> HelpOffer:
    """The organizers accept one offer: the others are not needed, a private thread opens."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=offer.request_id)
        offer = HelpOffer.objects.select_for_update().get(pk=offer.pk, request=locked)
        if locked.status != HelpStatus.OPEN or offer.status != OfferStatus.OFFERED:
            raise Refused(_("This offer can no longer be accepted."))
        if offer.helper_id is None:
            raise Refused(_("This person has left the network."))
        offer.status = OfferStatus.ACCEPTED
        offer.save(update_fields=["status"])
        locked.offers.exclude(pk=offer.pk).update(status=OfferStatus.NOT_NEEDED)
        locked.status = HelpStatus.ACCEPTED
        locked.save(update_fields=["status"])
        record(actor, AuditAction.HELP_REQUEST_CHANGED, locked, chapter=locked.chapter,
               summary=f"offer accepted: {locked.title}")
        helper = offer.helper
        enqueue_email(helper.email, "network/help_accepted", {
            "name": str(helper), "chapter": locked.chapter.name, "title": locked.title,
            "url": f"{_url(locked)}thread/{offer.pk}/"}, recipient_language(helper))
    return offer


def close_help_request(help_request: HelpRequest, *, actor: User | None,
                       status: str = HelpStatus.DONE) -> HelpRequest:
    if status not in CLOSED_HELP_STATUSES:
        raise Refused(_("A request closes as done or expired."))
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if locked.is_closed:
            raise Refused(_("This request is already closed."))
        locked.status, locked.closed_at = status, timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        locked.offers.filter(status=OfferStatus.OFFERED).update(status=OfferStatus.NOT_NEEDED)
        record(actor, AuditAction.HELP_REQUEST_CHANGED, locked, chapter=locked.chapter,
               summary=f"{status}: {locked.title}")
    return locked


def expire_help_requests(today: dt.date | None = None) -> int:
    """The scheduled close: open requests past their deadline, accepted ones a month after."""
    today = today or timezone.localdate()
    due = HelpRequest.objects.filter(
        Q(status=HelpStatus.OPEN, deadline__lt=today)
        | Q(status=HelpStatus.ACCEPTED, deadline__lt=today - ACCEPTED_GRACE))
    expired = 0
    for help_request in due.only("pk").iterator():
        try:
            close_help_request(help_request, actor=None, status=HelpStatus.EXPIRED)
        except Refused:
            continue  # closed meanwhile
        expired += 1
    return expired


def send_message(offer: HelpOffer, *, author: User, body: str) -> HelpMessage:
    """A message in an accepted offer's thread, kept here and emailed to the other side."""
    body = (body or "").strip()
    if not body:
        raise Refused(_("Write a message first."))
    with transaction.atomic():
        offer = HelpOffer.objects.select_for_update(of=("self",)).select_related(
            "request__chapter", "helper").get(pk=offer.pk)
        if offer.status != OfferStatus.ACCEPTED or offer.request.is_closed:
            raise Refused(_("This conversation is closed."))
        from_helper = offer.helper_id == author.pk
        message = HelpMessage.objects.create(offer=offer, author=author, body=body,
                                             from_helper=from_helper)
        context = {"title": offer.request.title, "author": str(author), "body": body,
                   "url": f"{_url(offer.request)}thread/{offer.pk}/"}
        if from_helper:
            _email_organizers(offer.request.chapter, "network/help_message", context)
        elif offer.helper is not None:
            enqueue_email(offer.helper.email, "network/help_message",
                          {"name": str(offer.helper), "chapter": offer.request.chapter.name,
                           **context}, recipient_language(offer.helper))
    return message


# ---------------------------------------------------------------------------------------
# The network library.
# ---------------------------------------------------------------------------------------


def share_material(*, actor: User, chapter: Chapter, title: str, description: str = "",
                   url: str = "", file=None, languages=(), tags=()) -> Material:
    with transaction.atomic():
        material = Material(title=title, description=description, url=url, chapter=chapter,
                            shared_by=actor, languages=list(languages), tags=list(tags))
        if file is not None:
            material.file = file
        material.save()
        record(actor, AuditAction.MATERIAL_CHANGED, material, chapter=chapter,
               summary=f"shared: {title}")
    return material


def remove_material(material: Material, *, actor: User) -> None:
    with transaction.atomic():
        record(actor, AuditAction.MATERIAL_CHANGED, material, chapter=material.chapter,
               summary=f"removed: {material.title}")
        if material.file:
            material.file.delete(save=False)
        material.delete()
