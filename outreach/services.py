"""Following, watching a place, and saying things to people: one function per transition.

Each runs in a transaction, checks the current state, writes, records what an organizer
did (audit) and queues the emails. Follow requests never tell the requester whether the
address already follows: the answer is always "check your inbox".
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from audit.log import record
from audit.models import AuditAction
from core import ratelimit
from core.emails import enqueue_email
from core.locale import supported

from . import audiences
from .models import (
    Audience,
    Delivery,
    Follow,
    FollowChoice,
    Message,
    MessageKind,
    PlaceWatch,
)
from .tasks import deliver

CONFIRM_WITHIN = dt.timedelta(days=7)


class OutreachError(Exception):
    """A request this state does not allow; the message says why (translated by views)."""


class RateLimited(OutreachError):
    pass


class DailyLimitReached(OutreachError):
    pass


class AudienceChanged(OutreachError):
    def __init__(self, count: int):
        super().__init__(f"the audience is now {count}")
        self.count = count


def _lang(code: str | None) -> str:
    return supported(code or "") or settings.LANGUAGE_CODE


def _check_rate(client: str, email: str) -> None:
    if not ratelimit.take_within("follow-client", client,
                                 settings.OUTREACH_FOLLOWS_PER_ADDRESS_HOUR, 3600):
        raise RateLimited("too many requests from this address")
    if not ratelimit.take_within("follow-recipient", email.strip().lower(),
                                 settings.OUTREACH_FOLLOWS_PER_RECIPIENT_DAY, 24 * 3600):
        raise RateLimited("too many requests for this recipient")


def verified_email(user) -> str | None:
    """The person's own address, if verified: the one a one-tap follow uses."""
    if EmailAddress.objects.filter(user=user, verified=True).annotate(
            e=Lower("email")).filter(e=user.email.lower()).exists():
        return user.email.lower()
    return None


# -- Following -------------------------------------------------------------------------------


def request_follow(chapter, email: str, choice: str, language: str, *, client: str) -> None:
    """Someone without a session asked to follow: email a confirmation link (double opt-in).

    The confirmation email carries no text anyone typed (mail-relay rule): not even the
    chapter's name, only the link; the page behind it names the chapter.
    """
    email = email.strip().lower()
    _check_rate(client, email)
    with transaction.atomic():
        follow = (Follow.objects.select_for_update().filter(chapter=chapter, email=email)
                  .first())
        if follow is None:
            follow = Follow.objects.create(chapter=chapter, email=email, choice=choice,
                                           language=_lang(language))
        elif follow.confirmed_at is None:
            follow.choice, follow.language = choice, _lang(language)
            follow.save(update_fields=["choice", "language"])
        elif follow.choice == choice:
            return  # nothing to confirm; the page says the same as ever
        else:
            # Confirmed (or an opt-out record): the change waits for the address's own click,
            # so nobody can undo someone's unsubscribe by typing their address.
            follow.pending_choice = choice
            follow.save(update_fields=["pending_choice"])
        link = settings.SITE_URL + reverse("outreach:follow_confirm", args=[follow.token])
        enqueue_email(email, "outreach/follow_confirm", {"link": link}, follow.language)


def follow_signed_in(chapter, user, choice: str) -> Follow:
    """One tap: a signed-in person follows with their verified address, confirmed at once."""
    email = verified_email(user)
    if email is None:
        raise OutreachError("no verified address")
    with transaction.atomic():
        follow = Follow.objects.select_for_update().filter(chapter=chapter, email=email).first()
        now = timezone.now()
        if follow is None:
            try:
                with transaction.atomic():
                    follow = Follow.objects.create(
                        chapter=chapter, email=email, user=user, choice=choice,
                        language=_lang(user.preferred_language), confirmed_at=now)
            except IntegrityError:
                follow = Follow.objects.select_for_update().get(chapter=chapter, email=email)
        follow.user, follow.choice, follow.pending_choice = user, choice, ""
        follow.confirmed_at = follow.confirmed_at or now
        follow.language = _lang(user.preferred_language) if user.preferred_language else (
            follow.language or settings.LANGUAGE_CODE)
        follow.save()
    return follow


def confirm_follow(follow: Follow) -> Follow:
    """The address's owner clicked the emailed link (and pressed the button on its page)."""
    with transaction.atomic():
        follow = Follow.objects.select_for_update().get(pk=follow.pk)
        if follow.confirmed_at is None:
            follow.confirmed_at = timezone.now()
        elif follow.pending_choice:
            follow.choice = follow.pending_choice
        follow.pending_choice = ""
        follow.save(update_fields=["confirmed_at", "choice", "pending_choice"])
    return follow


def unsubscribe(chapter, email: str, user=None) -> None:
    """Stop every email of this chapter (or, with no chapter, network-wide announcements) to
    this address. The row stays, as "off": members and registrants are audiences computed
    from other tables, and this is what keeps them out."""
    email = email.strip().lower()
    with transaction.atomic():
        follow = Follow.objects.select_for_update().filter(chapter=chapter, email=email).first()
        if follow is None:
            try:
                with transaction.atomic():
                    Follow.objects.create(chapter=chapter, email=email, user=user,
                                          choice=FollowChoice.OFF, confirmed_at=timezone.now())
                return
            except IntegrityError:
                follow = Follow.objects.select_for_update().get(chapter=chapter, email=email)
        follow.choice, follow.pending_choice = FollowChoice.OFF, ""
        follow.confirmed_at = follow.confirmed_at or timezone.now()
        follow.save(update_fields=["choice", "pending_choice", "confirmed_at"])


def follower_count(chapter) -> int:
    """Confirmed followers and members who follow by default: a number, never a list."""
    message = Message(kind=MessageKind.ANNOUNCEMENT, chapter=chapter,
                      audience=Audience.FOLLOWERS)
    return audiences.count(message)


def expire_unconfirmed(now: dt.datetime | None = None) -> int:
    """Unconfirmed follows and watches older than a week are deleted."""
    cutoff = (now or timezone.now()) - CONFIRM_WITHIN
    follows, _ = Follow.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    watches, _ = PlaceWatch.objects.filter(confirmed_at__isnull=True,
                                           created_at__lt=cutoff).delete()
    return follows + watches


# -- Place watches -------------------------------------------------------------------------


def request_watch(latitude: float, longitude: float, place_name: str, email: str,
                  language: str, *, client: str, user=None) -> None:
    """Ask to be told when a chapter starts within 100 km: confirmed by an emailed link
    (a signed-in person's verified address is confirmed at once)."""
    email = email.strip().lower()
    lat, lon = round(latitude, 2), round(longitude, 2)
    signed_in_email = verified_email(user) if user is not None and user.is_authenticated else None
    if signed_in_email != email:
        _check_rate(client, email)
    with transaction.atomic():
        watch = (PlaceWatch.objects.select_for_update()
                 .filter(email=email, latitude=lat, longitude=lon).first())
        if watch is None:
            watch = PlaceWatch.objects.create(email=email, latitude=lat, longitude=lon,
                                              place_name=place_name[:200],
                                              language=_lang(language))
        if watch.confirmed_at is not None:
            return
        if signed_in_email == email:
            watch.confirmed_at, watch.user = timezone.now(), user
            watch.save(update_fields=["confirmed_at", "user"])
            return
        link = settings.SITE_URL + reverse("outreach:watch_confirm", args=[watch.token])
        enqueue_email(email, "outreach/watch_confirm", {"link": link}, watch.language)


def confirm_watch(watch: PlaceWatch) -> PlaceWatch:
    with transaction.atomic():
        watch = PlaceWatch.objects.select_for_update().get(pk=watch.pk)
        if watch.confirmed_at is None:
            watch.confirmed_at = timezone.now()
            watch.save(update_fields=["confirmed_at"])
    return watch


# -- Messages ----------------------------------------------------------------------------------


def save_draft(*, actor, chapter, fields: dict, message: Message | None = None) -> Message:
    """Create or update an announcement that is not sent yet."""
    with transaction.atomic():
        if message is None:
            message = Message(kind=MessageKind.ANNOUNCEMENT, chapter=chapter, created_by=actor)
        else:
            message = Message.objects.select_for_update().get(pk=message.pk)
            if not message.is_draft:
                raise OutreachError("already sent")
        for name, value in fields.items():
            setattr(message, name, value)
        if message.audience != Audience.REGISTRANTS:
            message.session = None
        message.save()
    return message


def sent_today(chapter) -> int:
    since = timezone.now() - dt.timedelta(days=1)
    return Message.objects.filter(kind=MessageKind.ANNOUNCEMENT, chapter=chapter,
                                  sent_at__gte=since).count()


def _create_deliveries(message: Message) -> int:
    """One row per distinct address, written by the database itself: one
    `INSERT ... SELECT` per audience source, a duplicate address dropped by the unique
    `(message, email)` constraint. Nothing passes through Python, whatever the audience."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    languages = ", ".join("%s" for _ in settings.LANGUAGES)
    codes = [code for code, _name in settings.LANGUAGES]
    ignore = "OR IGNORE " if connection.vendor == "sqlite" else ""
    conflict = "" if connection.vendor == "sqlite" else " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        for source in audiences.sources(message):
            try:
                sql, params = source.query.sql_with_params()
            except EmptyResultSet:  # a source that cannot match anyone (an empty id list)
                continue
            cursor.execute(
                f"INSERT {ignore}INTO {table} (message_id, email, language, user_id, refused) "
                f"SELECT %s, LOWER(s.r_email), CASE WHEN s.r_language IN ({languages}) "
                f"THEN s.r_language ELSE %s END, s.r_user, %s FROM ({sql}) s"
                f" WHERE s.r_email IS NOT NULL{conflict}",
                [message.pk, *codes, settings.LANGUAGE_CODE, False, *params])
    return Delivery.objects.filter(message=message).count()


def _start(message: Message) -> None:
    count = _create_deliveries(message)
    now = timezone.now()
    message.sent_at, message.progress_at, message.recipient_count = now, now, count
    message.finished_at = now if count == 0 else None
    message.save(update_fields=["sent_at", "progress_at", "recipient_count", "finished_at"])
    if count:
        # The task row is written in this transaction (database task backend): it exists
        # exactly when the deliveries do.
        deliver.enqueue(message.pk)


def send_announcement(message: Message, *, actor, expected: int) -> Message:
    """The second look passed ("send to N people?"): create the deliveries, queue the send.

    Refused when it is sent already, when the chapter sent its daily share, or when the
    audience is no longer the N the organizer confirmed.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if not message.is_draft:
            raise OutreachError("already sent")
        if sent_today(message.chapter) >= settings.OUTREACH_DAILY_ANNOUNCEMENTS:
            raise DailyLimitReached("daily limit")
        now_count = audiences.count(message)
        if now_count != expected:
            raise AudienceChanged(now_count)
        _start(message)
        record(actor, AuditAction.ANNOUNCEMENT_SENT, message, chapter=message.chapter,
               summary=f"Sent {message.subject[:200]} to {message.recipient_count}",
               audience=message.audience, recipients=message.recipient_count)
    return message


def notice(kind: str, key: str, *, chapter=None, chapter_id=None, session=None,
           details=None) -> Message | None:
    """An automatic message, said once: the unique key makes a repeated signal a no-op."""
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            key=key, defaults={"kind": kind, "session": session, "details": details or {},
                               "chapter_id": chapter_id if chapter is None else chapter.pk})
        if not created:
            return None
        _start(message)
    return message
