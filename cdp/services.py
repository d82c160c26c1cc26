"""State changes of chapter applications: one table of allowed transitions, one function each.

Every transition locks the application row, checks the table and who may act, records an
ApplicationEvent and an audit event, and emails the applicants.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import AuditAction
from chapters.enums import ChapterKind, ChapterStatus
from chapters.models import RESERVED_SLUGS, Chapter
from core import ratelimit
from core.emails import enqueue_email, recipient_language
from chapters.services import change_status
from members.models import User
from members.services import POLICY_RULE_FIELDS, add_organizer, adopt_policy_version

from . import signals
from .enums import FINAL_STATES, EventKind
from .enums import ApplicationState as S
from .models import (
    Application,
    ApplicationApplicant,
    ApplicationEvent,
    ApplicationInvitation,
    CoachingNote,
    Milestone,
    MilestoneProgress,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

ADMIN = "admin"
APPLICANT = "applicant"

# from state -> {to state: who may make that move}. Anything else is refused.
TRANSITIONS: dict[str, dict[str, str]] = {
    S.SUBMITTED: {S.IN_REVIEW: ADMIN, S.DECLINED: ADMIN, S.WITHDRAWN: APPLICANT},
    S.IN_REVIEW: {S.CHANGES_REQUESTED: ADMIN, S.IN_PROGRAM: ADMIN, S.DECLINED: ADMIN,
                  S.WITHDRAWN: APPLICANT},
    S.CHANGES_REQUESTED: {S.IN_REVIEW: APPLICANT, S.DECLINED: ADMIN, S.WITHDRAWN: APPLICANT},
    S.IN_PROGRAM: {S.LAUNCHED: ADMIN, S.DECLINED: ADMIN, S.WITHDRAWN: APPLICANT},
    S.LAUNCHED: {},
    S.DECLINED: {},
    S.WITHDRAWN: {},
}
NOTE_REQUIRED = frozenset({S.DECLINED, S.CHANGES_REQUESTED})


class TransitionRefused(Exception):
    """A move the table or the rules do not allow; the message is shown to the person."""


def allowed_moves(state: str) -> dict[str, str]:
    return TRANSITIONS.get(state, {})


def applicant_users(application: Application) -> list[User]:
    """Applicants plus invited people who have an account with the invited address."""
    emails = [e.lower() for e in application.invitations.values_list("email", flat=True)]
    return list(
        User.objects.filter(
            Q(applicationapplicant__application=application) | Q(email__in=emails),
            is_active=True,
        ).distinct().order_by("id")
    )


def _email_applicants(application: Application, template: str, context: dict, *,
                      key: str) -> None:
    for user in applicant_users(application):
        enqueue_email(user.email, template, {
            "name": str(user), "proposed_name": application.proposed_name,
            "url": f"/program/applications/{application.pk}/", **context,
        }, recipient_language(user), key=key)


def _touch(application: Application, *fields: str) -> None:
    application.last_activity_at = timezone.now()
    application.save(update_fields=["last_activity_at", *fields])


class InvitationLimit(TransitionRefused):
    """More invitations than the account may send today (RATE_LIMITS["invitation_account"])."""

    def __init__(self, left: int):
        self.left = left
        super().__init__(_("You can invite %(left)d more people today. Remove some addresses, "
                           "or invite them tomorrow.") % {"left": left})


# A chapter that can be brought back through the program.
REVIVABLE_STATUSES = (ChapterStatus.DORMANT,)


@transaction.atomic
def submit(*, applicant: User, invited_emails: Iterable[str] = (), display_name: str = "",
           client: str = "", **fields) -> Application:
    """Create a submitted application by `applicant`, inviting co-applicants by email; a
    name given here becomes the applicant's display name (the launched chapter shows it).
    InvitationLimit (nothing is saved) when that is more invitations than the account's
    daily cap.

    With `revives=<a dormant chapter>` it is a revival: refused unless the chapter is
    dormant and no other revival of it is under way; `revival_requested` is sent on commit.
    """
    revives = fields.get("revives")
    if revives is not None:
        revives = Chapter.objects.select_for_update().get(pk=revives.pk)
        if revives.status not in REVIVABLE_STATUSES:
            raise TransitionRefused(_("Only a dormant chapter can be revived."))
        if Application.objects.filter(revives=revives).exclude(state__in=FINAL_STATES).exists():
            raise TransitionRefused(_("A group is already reviving this chapter. Write to the "
                                      "Global chapter to join them."))
        fields["revives"] = revives
    display_name = display_name.strip()
    if display_name and not applicant.display_name:
        applicant.display_name = display_name[:80]
        applicant.save(update_fields=["display_name"])
    application = Application.objects.create(state=S.SUBMITTED, **fields)
    ApplicationApplicant.objects.create(application=application, user=applicant)
    event = ApplicationEvent.objects.create(application=application, actor=applicant,
                                            to_state=S.SUBMITTED)
    record(applicant, AuditAction.APPLICATION_TRANSITION, application,
           summary=f"-> {S.SUBMITTED}")
    invite(application, invited_emails, actor=applicant, client=client)
    _email_applicants(application, "cdp/state_changed", {
        "state": str(S.SUBMITTED.label), "note": ""},
        key=f"application:{application.pk}:event:{event.pk}")
    if revives is not None:
        transaction.on_commit(lambda: signals.revival_requested.send(
            sender=Application, application=application, chapter=revives))
    return application


def invite(application: Application, emails: Iterable[str], *, actor: User,
           client: str = "") -> None:
    """Invite co-applicants; each gets an email asking them to sign in with that address.

    An account invites at most RATE_LIMITS["invitation_account"] people a day (more is
    InvitationLimit, before anything is written). The email carries no text anyone typed
    (the address has not confirmed it wants our mail): over the limits per recipient and
    per client address it is not sent, and the invitation still holds for a sign-in.
    """
    account = f"user:{actor.pk}"
    wanted = sorted({e.strip().lower() for e in emails if e.strip()} - {actor.email.lower()})
    new = [email for email in wanted if not application.invitations.filter(email=email).exists()]
    left = ratelimit.remaining("invitation_account", account)
    if len(new) > left:
        raise InvitationLimit(left)
    for email in new:
        invitation, created = ApplicationInvitation.objects.get_or_create(
            application=application, email=email)
        limits = [("invitation_account", account), ("invitation_address", email)]
        if client:
            limits.append(("invitation_client", client))
        if created and ratelimit.take_all(*limits):
            enqueue_email(email, "cdp/invited", {
                "url": f"/program/applications/{application.pk}/",
            }, recipient_language(email=email), key=f"invitation:{invitation.pk}")


@transaction.atomic
def transition(application: Application, to_state: str, *, actor: User | None,
               note: str = "", role: str) -> Application:
    """Move an application if the table allows it for `role`; LAUNCHED only via launch()."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    allowed = allowed_moves(locked.state)
    if to_state not in allowed:
        raise TransitionRefused(_("An application cannot go from “%(from)s” to “%(to)s”.") % {
            "from": S(locked.state).label,
            "to": S(to_state).label if to_state in S.values else to_state})
    if allowed[to_state] != role:
        raise TransitionRefused(_("You may not make this change."))
    if to_state == S.LAUNCHED and role != "launch":
        raise TransitionRefused(_("Use the launch form to launch a chapter."))
    note = (note or "").strip()
    if to_state in NOTE_REQUIRED and not note:
        raise TransitionRefused(_("Say why: a note is required for this change."))
    return _move(locked, to_state, actor=actor, note=note)


def _move(locked: Application, to_state: str, *, actor: User | None, note: str) -> Application:
    from_state = locked.state
    now = timezone.now()
    locked.state = to_state
    locked.state_changed_at = now
    locked.last_activity_at = now
    locked.save(update_fields=["state", "state_changed_at", "last_activity_at", "chapter"])
    event = ApplicationEvent.objects.create(application=locked, actor=actor,
                                            from_state=from_state, to_state=to_state, note=note)
    record(actor, AuditAction.APPLICATION_TRANSITION, locked,
           summary=f"{from_state} -> {to_state}: {note}")
    _email_applicants(locked, "cdp/state_changed", {"state": str(S(to_state).label),
                                                    "note": note},
                      key=f"application:{locked.pk}:event:{event.pk}")
    return locked


def start_review(application, *, actor, note=""):
    return transition(application, S.IN_REVIEW, actor=actor, note=note, role=ADMIN)


def request_changes(application, *, actor, note):
    return transition(application, S.CHANGES_REQUESTED, actor=actor, note=note, role=ADMIN)


def admit_to_program(application, *, actor, note=""):
    return transition(application, S.IN_PROGRAM, actor=actor, note=note, role=ADMIN)


def decline(application, *, actor, note):
    return transition(application, S.DECLINED, actor=actor, note=note, role=ADMIN)


def resubmit(application, *, actor, note=""):
    return transition(application, S.IN_REVIEW, actor=actor, note=note, role=APPLICANT)


def withdraw(application, *, actor, note=""):
    return transition(application, S.WITHDRAWN, actor=actor, note=note, role=APPLICANT)


def missing_required_milestones(application: Application) -> list[Milestone]:
    """Required milestones this application has not had verified by its coach."""
    verified = MilestoneProgress.objects.filter(
        application=application, verified_at__isnull=False,
    ).values_list("milestone_id", flat=True)
    return list(Milestone.objects.filter(required=True).exclude(pk__in=verified))


def _without_network_prefix(name: str) -> str:
    """"TWC Toronto" -> "Toronto": the network's name or short name is not part of a slug."""
    prefixes = sorted({settings.NETWORK_NAME, settings.NETWORK_SHORT_NAME}, key=len, reverse=True)
    for prefix in prefixes:
        if not prefix:
            continue
        rest = re.sub(rf"^\s*{re.escape(prefix)}[\s\-\u2013\u2014:,.]+", "", name, flags=re.I)
        if rest != name and rest.strip():
            return rest.strip()
    return name


def chapter_slug(name: str) -> str:
    """A free slug for the new chapter, without the network's prefix (/chapters/toronto/),
    never one of the directory's own paths."""
    base = (slugify(_without_network_prefix(name)) or slugify(name) or "chapter")[:70]
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Chapter.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# What the launched chapter's page takes from the application: chapter field -> application
# field. Missing ones are asked for on the application's page while the group is in the
# program (missing_page_details).
PAGE_FIELDS = {"description": "description", "email": "contact_email",
               "meeting_frequency": "meeting_frequency", "languages": "languages"}


def page_fields(application: Application) -> dict:
    """The chapter page's description, contact, meeting rhythm and languages."""
    return {chapter_field: getattr(application, field) or ([] if field == "languages" else "")
            for chapter_field, field in PAGE_FIELDS.items()}


def missing_page_details(application: Application) -> list[str]:
    """Application fields the launched chapter's page would lack."""
    return [field for field in PAGE_FIELDS.values() if not getattr(application, field)]


def _chapter_fields(locked: Application) -> dict:
    """Everything Chapter.objects.create() needs for a new chapter from this application."""
    fields = {"name": locked.proposed_name, "slug": chapter_slug(locked.proposed_name),
              "kind": locked.kind, "status": ChapterStatus.ACTIVE, "is_listed": True,
              **page_fields(locked)}
    if locked.kind == ChapterKind.LOCAL:
        place = locked.place
        if place is None:
            raise TransitionRefused(_("A local chapter needs a place."))
        fields.update(place=place, city=place.name, country=place.country_code,
                      region=place.region_name, latitude=place.latitude,
                      longitude=place.longitude, timezone=place.timezone or "UTC")
    return fields


@transaction.atomic
def launch(application: Application, *, actor: User, override_reason: str = "") -> Chapter:
    """Create the listed chapter, its first policy and organizers; needs verified milestones
    or a written override reason."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if S.LAUNCHED not in allowed_moves(locked.state):
        raise TransitionRefused(_("Only an application in the program can be launched."))
    override_reason = (override_reason or "").strip()
    missing = missing_required_milestones(locked)
    if missing and not override_reason:
        raise TransitionRefused(
            _("Required milestones are not verified yet: %(titles)s. Give a reason to "
              "launch anyway.") % {"titles": ", ".join(m.title for m in missing)})
    if locked.revives_id is not None:
        return _relaunch(locked, actor=actor, note=_launch_note(missing, override_reason))
    chapter = Chapter.objects.create(**_chapter_fields(locked))
    adopt_policy_version(chapter, actor=actor,
                         note=_("Adopted in the Chapter Development Program."),
                         **{name: getattr(locked, name) for name in POLICY_RULE_FIELDS})
    for user in applicant_users(locked):
        add_organizer(chapter, user, actor=actor)
    locked.chapter = chapter
    note = _launch_note(missing, override_reason)
    _move(locked, S.LAUNCHED, actor=actor, note=note)
    record(actor, AuditAction.CHAPTER_LAUNCHED, chapter, chapter=chapter,
           summary=f"{locked.proposed_name}: {note}")
    transaction.on_commit(lambda: signals.chapter_launched.send(
        sender=Application, chapter=chapter, application=locked, revived=False))
    return chapter


def _launch_note(missing: list[Milestone], override_reason: str) -> str:
    return _("Override: %(reason)s") % {"reason": override_reason} if missing else override_reason


def _relaunch(locked: Application, *, actor: User, note: str) -> Chapter:
    """The revival branch of launch(): the SAME chapter (slug, page, history) is active
    again, under the rules the group adopted, with the group as its organizers."""
    chapter = Chapter.objects.select_for_update().get(pk=locked.revives_id)
    if chapter.status not in REVIVABLE_STATUSES:
        raise TransitionRefused(_("This chapter is no longer dormant, so it cannot be "
                                  "relaunched."))
    chapter = change_status(chapter, ChapterStatus.ACTIVE, actor=actor,
                            reason=_("Revived through the Chapter Development Program."))
    if not chapter.is_listed:
        chapter.is_listed = True
        chapter.save(update_fields=["is_listed"])
    adopt_policy_version(chapter, actor=actor,
                         note=_("Adopted when the chapter was revived in the Chapter "
                                "Development Program."),
                         **{name: getattr(locked, name) for name in POLICY_RULE_FIELDS})
    for user in applicant_users(locked):
        add_organizer(chapter, user, actor=actor)
    _move(locked, S.LAUNCHED, actor=actor, note=note)
    record(actor, AuditAction.CHAPTER_LAUNCHED, chapter, chapter=chapter,
           summary=f"{chapter.name} revived: {note}", revived=True)
    transaction.on_commit(lambda: signals.chapter_launched.send(
        sender=Application, chapter=chapter, application=locked, revived=True))
    return chapter


@transaction.atomic
def assign_coach(application: Application, coach: User, *, actor: User) -> Application:
    """Give the application a coach (who must be a coach); the coach gets an email."""
    if not (coach.is_coach and coach.is_active):
        raise TransitionRefused(_("That person is not a coach."))
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.is_final:
        raise TransitionRefused(_("This application is closed."))
    locked.coach = coach
    _touch(locked, "coach")
    ApplicationEvent.objects.create(application=locked, actor=actor, from_state=locked.state,
                                    to_state=locked.state, coach=coach, kind=EventKind.COACH)
    record(actor, AuditAction.APPLICATION_COACH_ASSIGNED, locked, summary=str(coach))
    enqueue_email(coach.email, "cdp/coach_assigned", {
        "name": str(coach), "proposed_name": locked.proposed_name,
        "url": f"/program/applications/{locked.pk}/"}, recipient_language(coach),
        key=f"application:{locked.pk}:coach:{coach.pk}:{locked.last_activity_at.isoformat()}")
    return locked


@transaction.atomic
def mark_done(application: Application, milestone: Milestone, *, actor: User,
              note: str) -> MilestoneProgress:
    """An applicant says a milestone is done (a later edit clears the coach's verification)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != S.IN_PROGRAM:
        raise TransitionRefused(_("Milestones are tracked while the group is in the program."))
    if milestone.run_by_coach:
        raise TransitionRefused(_("Your coach records this step."))
    progress, _created = MilestoneProgress.objects.get_or_create(
        application=locked, milestone=milestone)
    progress.done_at, progress.done_by, progress.note = timezone.now(), actor, note.strip()
    progress.verified_at = progress.verified_by = None
    progress.save()
    _touch(locked)
    _email_coach_milestone_done(locked, milestone, actor)
    return progress


def _email_coach_milestone_done(application: Application, milestone: Milestone,
                                actor: User) -> None:
    """The assigned coach hears that a milestone waits for her verification."""
    coach = application.coach
    if coach is None or not coach.is_active:
        return
    enqueue_email(coach.email, "cdp/milestone_done", {
        "name": str(coach), "who": str(actor), "proposed_name": application.proposed_name,
        "milestone": milestone.title, "url": f"/program/applications/{application.pk}/",
    }, recipient_language(coach))


@transaction.atomic
def verify(application: Application, milestone: Milestone, *, actor: User) -> MilestoneProgress:
    """The coach confirms a milestone an applicant marked done, or records one she ran
    herself (an intro call: `run_by_coach`), which is then done and verified at once."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != S.IN_PROGRAM:
        raise TransitionRefused(_("Milestones are tracked while the group is in the program."))
    now = timezone.now()
    if milestone.run_by_coach:
        progress, _created = MilestoneProgress.objects.get_or_create(
            application=locked, milestone=milestone,
            defaults={"done_at": now, "done_by": actor})
        if progress.done_at is None:
            progress.done_at, progress.done_by = now, actor
    else:
        progress = MilestoneProgress.objects.filter(
            application=locked, milestone=milestone, done_at__isnull=False).first()
        if progress is None:
            raise TransitionRefused(_("The applicants have not marked this milestone done yet."))
    progress.verified_at, progress.verified_by = now, actor
    progress.save()
    _touch(locked)
    record(actor, AuditAction.MILESTONE_VERIFIED, progress,
           summary=f"{locked.proposed_name}: {milestone.title}")
    return progress


# What only transitions, the coach's assignment and the launch change: never an edit.
NOT_EDITABLE = frozenset({"id", "state", "coach", "chapter", "revives", "created_at",
                          "state_changed_at", "last_activity_at"})


@transaction.atomic
def edit_application(application: Application, *, actor: User, **fields) -> Application:
    """The applicants' edit of their application, while changes are requested: saved with
    a step in its history and an audit entry naming the fields that changed."""
    if set(fields) & NOT_EDITABLE:
        raise ValueError(f"Not editable: {sorted(set(fields) & NOT_EDITABLE)}")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != S.CHANGES_REQUESTED:
        raise TransitionRefused(_("You may not make this change."))
    changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
    for name, value in fields.items():
        setattr(locked, name, value)
    _touch(locked, *fields)
    ApplicationEvent.objects.create(application=locked, actor=actor, from_state=locked.state,
                                    to_state=locked.state, kind=EventKind.EDIT)
    record(actor, AuditAction.APPLICATION_TRANSITION, locked,
           summary=f"edited: {', '.join(changed)}"[:300], fields=changed)
    return locked


@transaction.atomic
def update_page_details(application: Application, *, actor: User, **details) -> Application:
    """The launched chapter's page details (description, contact, rhythm, languages),
    while the application is open."""
    unknown = set(details) - set(PAGE_FIELDS.values())
    if unknown:
        raise ValueError(f"Not page details: {sorted(unknown)}")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.is_final:
        raise TransitionRefused(_("This application is closed."))
    for name, value in details.items():
        setattr(locked, name, value)
    _touch(locked, *details)
    record(actor, AuditAction.APPLICATION_TRANSITION, locked,
           summary=f"page details: {', '.join(sorted(details))}")
    return locked


def add_coaching_note(application: Application, *, author: User, text: str,
                      date=None) -> CoachingNote:
    note = CoachingNote.objects.create(application=application, author=author, text=text,
                                       date=date or timezone.localdate())
    _touch(application)
    return note
