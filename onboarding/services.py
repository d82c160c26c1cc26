"""State changes of sessions and registrations: one function per transition.

Each runs inside a transaction, checks the current state against ALLOWED, writes the new
state with who and when, and enqueues the emails it owes people.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import AuditAction
from core import batch, ratelimit
from core.locale import supported

from . import signals
from .emails import account_language, email_registration
from .models import (
    OnboardingSession,
    Registration,
    SessionStatus,
)
from .models import (
    RegistrationStatus as S,
)

# Which registration status may become which.
ALLOWED: dict[str, set[str]] = {
    S.PENDING: {S.CONFIRMED, S.WAITLISTED, S.CANCELLED},
    S.CONFIRMED: {S.CANCELLED, S.ATTENDED, S.NO_SHOW},
    S.WAITLISTED: {S.CONFIRMED, S.CANCELLED, S.ATTENDED, S.NO_SHOW},
    S.ATTENDED: {S.NO_SHOW},
    S.NO_SHOW: {S.ATTENDED},
    S.CANCELLED: set(),
}

REMINDER_OFFSETS = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1)}
# Check-in opens this long before a session starts: at the door, not days ahead.
CHECK_IN_OPENS_BEFORE = dt.timedelta(hours=1)
# Re-sending a confirmation email for the same sign-up waits at least this long.
RESEND_AFTER = dt.timedelta(minutes=5)


class TransitionError(Exception):
    """The registration or session is not in a state that allows this change."""


class RegistrationClosed(TransitionError):
    pass


def _check(registration: Registration, new: str) -> None:
    if new not in ALLOWED[registration.status]:
        raise TransitionError(f"{registration.status} -> {new} is not allowed")


# -- Sessions --------------------------------------------------------------------------------


class NoNewSessions(TransitionError):
    """A graduated or closed chapter schedules no new sessions; the message is safe to show."""

    def __init__(self) -> None:
        super().__init__(_("This chapter has graduated or closed: it schedules no new "
                           "sessions."))


def check_may_schedule(chapter) -> None:
    """Refuse (NoNewSessions) a new session for a chapter that takes no newcomers."""
    if not chapter.takes_newcomers:
        raise NoNewSessions


def create_session(chapter, *, actor, **fields) -> OnboardingSession:
    """Schedule a session for a chapter that still takes newcomers (NoNewSessions if not)."""
    check_may_schedule(chapter)
    with transaction.atomic():
        session = OnboardingSession.objects.create(chapter=chapter, created_by=actor, **fields)
        record(actor, AuditAction.SESSION_CHANGED, session, chapter=chapter,
               summary=f"Scheduled {session.title}")
        transaction.on_commit(
            lambda: signals.session_published.send(sender=OnboardingSession, session=session))
    return session


def usual_session(chapter, *, recent: int = 5) -> dict:
    """How the chapter usually runs its sessions, from its last few (not cancelled): the
    most frequent format, language and capacity and the middle length. The new-session
    form starts from these; a chapter without sessions gets its first language."""
    sessions = list(chapter.onboarding_sessions.exclude(status=SessionStatus.CANCELLED)
                    .order_by("-starts_at").values("format", "language", "capacity",
                                                   "starts_at", "ends_at")[:recent])
    if not sessions:
        first = (chapter.languages or [""])[0]
        return {"initial": {"language": supported(first)} if supported(first) else {},
                "length": None}

    def most_common(key):
        values = [s[key] for s in sessions]
        return max(values, key=lambda v: (values.count(v), -values.index(v)))

    lengths = sorted(s["ends_at"] - s["starts_at"] for s in sessions)
    return {"initial": {key: most_common(key) for key in ("format", "language", "capacity")},
            "length": lengths[len(lengths) // 2]}


def edit_session(session: OnboardingSession, *, actor, changed: list[str]) -> OnboardingSession:
    """Save an organizer's edits; a new start time re-plans the reminders, more places go
    to the waitlist."""
    with transaction.atomic():
        # The state as it is now, not as the form was loaded: a cancel that committed in
        # between must not be undone by writing the loaded row back.
        current = (OnboardingSession.objects.select_for_update(no_key=True)
                   .filter(pk=session.pk).values_list("status", "cancel_reason").first())
        if current is not None:
            session.status, session.cancel_reason = current
        if session.is_cancelled:
            raise TransitionError("a cancelled session cannot be edited")
        session.save()
        record(actor, AuditAction.SESSION_CHANGED, session, chapter=session.chapter,
               summary=f"Edited {session.title}", fields=changed)
        # The task rows are written in this transaction (one INSERT): they exist only if it
        # commits.
        with batch.together():
            if "starts_at" in changed:
                for registration in session.registrations.filter(status=S.CONFIRMED):
                    registration.session = session
                    schedule_reminders(registration)
            if "capacity" in changed and timezone.now() < session.starts_at:
                promote_next(session)
    return session


def cancel_session(session: OnboardingSession, *, actor, reason: str = "") -> OnboardingSession:
    """Cancel a session and tell everyone registered (pending, confirmed, waitlisted)."""
    with transaction.atomic():
        session = OnboardingSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            raise TransitionError("already cancelled")
        session.status = SessionStatus.CANCELLED
        session.cancel_reason = reason
        session.save(update_fields=["status", "cancel_reason", "updated_at"])
        record(actor, AuditAction.SESSION_CANCELLED, session, chapter=session.chapter,
               summary=f"Cancelled {session.title}", reason=reason)
        # Not to pending sign-ups: nobody has confirmed those addresses want our mail.
        with batch.together():  # one INSERT for every email
            for registration in session.registrations.select_related(
                "session__chapter").filter(status__in=[S.CONFIRMED, S.WAITLISTED]
                                           ).annotate(account_language=account_language()):
                email_registration(registration, "session_cancelled", reason=reason)
    return session


# -- Registrations ---------------------------------------------------------------------------


def may_email_unconfirmed(email: str, client: str = "") -> bool:
    """Whether a confirmation email may go to this not-yet-confirmed address now: at most
    RATE_LIMITS["signup_email_address"] per address and ["signup_email_client"] per client
    address (the sender is no relay for whoever types someone else's address)."""
    pairs = [("signup_email_address", email.strip().lower())]
    if client:
        pairs.append(("signup_email_client", client))
    return ratelimit.take_all(*pairs)


def _locked_session(pk, *, among=None) -> OnboardingSession:
    """The session, its row locked while its registrations change, with its chapter read.

    Only the session's row is locked (`of`): joined, the chapter's row would be locked too,
    and every confirmation of the chapter's sessions, and any edit of the chapter, would
    queue behind each other."""
    sessions = OnboardingSession.objects if among is None else among
    return (sessions.select_for_update(no_key=True, of=("self",))
            .select_related("chapter").get(pk=pk))


def register(session: OnboardingSession, *, name: str, email: str, user=None,
             email_verified: bool = False, now: dt.datetime | None = None,
             client: str = "") -> Registration:
    """Sign a person up; the registration waits for email confirmation.

    Registering twice returns the same live registration (and re-sends the email at most
    every RESEND_AFTER). A person signed in with this verified address skips the email step,
    and their sign-up names the registration: an earlier sign-up with their address by
    anyone else (who proved nothing) does not. Over the rate limits (may_email_unconfirmed)
    the registration is made but no email is sent: the caller cannot tell, so neither can
    whoever typed the address.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        session = _locked_session(session.pk)
        if not session.is_open_for_registration(now):
            raise RegistrationClosed("registration is closed")
        # LOWER(email), as the (session, LOWER(email)) unique index has it: not a scan of
        # the session's sign-ups.
        registration = (
            session.registrations.exclude(status=S.CANCELLED)
            .alias(email_lower=Lower("email")).filter(email_lower=email.strip().lower()).first()
        )
        if registration is None:
            registration = Registration.objects.create(
                session=session, name=name.strip(), email=email, user=user,
            )
        elif email_verified:
            # The verified sign-up is the owner's word: its name replaces whatever an
            # unverified sign-up with this address typed.
            fields = []
            if registration.name != name.strip():
                registration.name = name.strip()
                fields.append("name")
            if user is not None and registration.user_id is None:
                registration.user = user
                fields.append("user")
            if fields:
                registration.save(update_fields=fields)
        elif user is not None and registration.user_id is None:
            registration.user = user
            registration.save(update_fields=["user"])
        registration.session = session
        if registration.status == S.PENDING:
            if email_verified:
                return _confirm_locked(registration, session, now)
            if (registration.confirmation_sent_at is None
                    or now - registration.confirmation_sent_at >= RESEND_AFTER) and (
                    may_email_unconfirmed(email, client)):
                registration.confirmation_sent_at = now
                registration.save(update_fields=["confirmation_sent_at"])
                email_registration(registration, "confirm_email", occasion=now.isoformat())
    return registration


# An unconfirmed sign-up holds an address nobody proved: it is forgotten this long after it
# was last emailed (or made, if the rate limits kept it from being emailed), or once its
# session is over.
FORGET_UNCONFIRMED_AFTER = dt.timedelta(days=7)


def forget_unconfirmed(now: dt.datetime | None = None) -> int:
    """Delete the sign-ups nobody confirmed in time; return how many."""
    now = now or timezone.now()
    stale = Q(confirmation_sent_at__lt=now - FORGET_UNCONFIRMED_AFTER) | Q(
        confirmation_sent_at__isnull=True, created_at__lt=now - FORGET_UNCONFIRMED_AFTER)
    deleted, _ = Registration.objects.filter(status=S.PENDING).filter(
        stale | Q(session__ends_at__lt=now)).delete()
    return deleted


def _confirm_locked(registration: Registration, session: OnboardingSession,
                    now: dt.datetime) -> Registration:
    """With the session row locked: confirmed if a place is left, waitlisted otherwise.
    The email and the reminders are queued in one INSERT."""
    new = S.CONFIRMED if session.places_taken() < session.capacity else S.WAITLISTED
    _check(registration, new)
    registration.status = new
    registration.email_confirmed = True
    registration.confirmed_at = now
    registration.save(update_fields=["status", "email_confirmed", "confirmed_at"])
    with batch.together():
        if new == S.CONFIRMED:
            email_registration(registration, "confirmed", private=True)
            schedule_reminders(registration)
        else:
            email_registration(registration, "waitlisted")
    return registration


def confirm_email(registration: Registration, *, now: dt.datetime | None = None,
                  name: str = "") -> Registration:
    """The person proved their address: take a place if one is left, else the waitlist.

    `name`, when given, is the name they confirm under (the sign-up's may have been typed
    by someone else). The session row is locked first, so concurrent confirmations cannot
    overfill it. Confirming an already-confirmed registration changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.session = session
        if registration.status != S.PENDING:
            return registration
        if not session.is_open_for_registration(now):
            raise RegistrationClosed("registration is closed")
        if name.strip() and name.strip() != registration.name:
            registration.name = name.strip()
            registration.save(update_fields=["name"])
        return _confirm_locked(registration, session, now)


def confirm_with_code(session: OnboardingSession | int, *, email: str, code: str,
                      among=None) -> Registration | None:
    """The short code from the email, typed on the site: the registration it confirms.

    Same locking as confirm_email (the session row, then the registration), but the
    registration is found and locked in one query, through the (session, lower(email))
    index: a session with thousands of sign-ups costs the same as one with a few.
    `session` may be its id; `among`, the sessions it must be one of (the view's public
    ones), is applied in the locking read: OnboardingSession.DoesNotExist if it is not.
    """
    now = timezone.now()
    session_id = session if isinstance(session, int) else session.pk
    sessions = OnboardingSession.objects.all() if among is None else among
    with transaction.atomic():
        session = _locked_session(session_id, among=sessions)
        registration = (
            Registration.objects.select_for_update().alias(email_lower=Lower("email"))
            .filter(session=session, email_lower=email.strip().lower(), status=S.PENDING)
            .annotate(account_language=account_language()).first()
        )
        if registration is None or not code or registration.code != code.strip().upper():
            return None
        registration.session = session
        if not session.is_open_for_registration(now):
            raise RegistrationClosed("registration is closed")
        return _confirm_locked(registration, session, now)


def attach_account(registration: Registration, user) -> Registration:
    """Link a sign-up to the account of the person who proved its address (by the emailed
    link or code): their sign-ups then show on their page. A sign-up already linked to an
    account keeps it."""
    if registration.user_id is None and user.email.lower() == registration.email.lower():
        Registration.objects.filter(pk=registration.pk, user__isnull=True).update(user=user)
        registration.user = user
    return registration


def cancel_registration(registration: Registration, *, now: dt.datetime | None = None,
                        notify: bool = True) -> Registration:
    """The person cancels; if they held a place, the first waitlisted person gets it.

    notify=False when the person is being erased: no email queued with their address.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.session = session
        _check(registration, S.CANCELLED)
        held_place = registration.status == S.CONFIRMED
        registration.status = S.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        if notify:
            email_registration(registration, "registration_cancelled")
        if held_place and not session.is_cancelled and now < session.starts_at:
            promote_next(session, now=now)
    return registration


def promote_next(session: OnboardingSession, *, now: dt.datetime | None = None
                 ) -> Registration | None:
    """Give free places to waitlisted people, first confirmed first. Caller holds the lock.
    Their emails and reminders are queued in one INSERT."""
    now = now or timezone.now()
    free = session.capacity - session.places_taken()
    promoted = None
    if free <= 0:
        return None
    with batch.together():
        for registration in session.registrations.filter(status=S.WAITLISTED).order_by(
            "confirmed_at", "pk"
        ).annotate(account_language=account_language())[:free]:
            registration.session = session
            _check(registration, S.CONFIRMED)
            registration.status = S.CONFIRMED
            registration.save(update_fields=["status"])
            email_registration(registration, "promoted", private=True)
            schedule_reminders(registration)
            promoted = promoted or registration
    return promoted


def check_in_opens_at(session: OnboardingSession) -> dt.datetime:
    try:
        return session.starts_at - CHECK_IN_OPENS_BEFORE
    except OverflowError:  # a session stored in year 1: open since the calendar began
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def check_in_is_open(session: OnboardingSession, now: dt.datetime | None = None) -> bool:
    """From shortly before the session starts (and for good after it, for late marks)."""
    return not session.is_cancelled and (now or timezone.now()) >= check_in_opens_at(session)


class CheckInNotOpen(TransitionError):
    pass


def set_attendance(registration: Registration, *, attended: bool, actor,
                   now: dt.datetime | None = None) -> Registration:
    """Check-in: mark a person as attended or no-show, once check-in is open."""
    new = S.ATTENDED if attended else S.NO_SHOW
    if not check_in_is_open(registration.session, now):
        raise CheckInNotOpen("check-in opens shortly before the session starts")
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == new:
            return registration
        _check(registration, new)
        registration.status = new
        registration.checked_in_at = now or timezone.now()
        registration.checked_in_by = actor
        registration.save(update_fields=["status", "checked_in_at", "checked_in_by"])
    return registration


def follow_up(session: OnboardingSession, *, actor, now: dt.datetime | None = None) -> int:
    """Email every attendee not yet followed up a link to ask to join; return how many."""
    now = now or timezone.now()
    join_url = settings.SITE_URL + reverse("members:join", args=[session.chapter.slug])
    count = 0
    with transaction.atomic(), batch.together():  # one INSERT for every email
        for registration in session.registrations.select_for_update().filter(
            status=S.ATTENDED, followed_up_at__isnull=True,
        ).annotate(account_language=account_language()):
            registration.session = session
            registration.followed_up_at = now
            registration.save(update_fields=["followed_up_at"])
            email_registration(registration, "follow_up", join_url=join_url)
            count += 1
    return count


def schedule_reminders(registration: Registration, *, now: dt.datetime | None = None) -> int:
    """Queue the day-before and hour-before reminders that are still in the future (with
    the other tasks of an open `core.batch.together()` block)."""
    from .tasks import send_reminder

    now = now or timezone.now()
    starts_at = registration.session.starts_at
    queued = 0
    for kind, offset in REMINDER_OFFSETS.items():
        run_after = starts_at - offset
        if run_after > now:
            batch.enqueue(send_reminder.using(run_after=run_after),
                          registration.pk, kind, starts_at.isoformat())
            queued += 1
    return queued
