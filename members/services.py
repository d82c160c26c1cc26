"""State changes on policies and memberships: one function per transition.

Other apps call these (the Chapter Development Program's launch adopts a chapter's first
policy and makes its applicants organizers); keep their signatures stable.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import F, FloatField, Q, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import AuditAction
from chapters.enums import NO_NEWCOMER_STATUSES, ChapterKind
from chapters.geo import box_around, distance_expression
from chapters.models import Chapter, PartnerOrganization
from core.emails import enqueue_email, recipient_language
from core.task_privacy import erase_task_rows

from .enums import MembershipRole, MembershipStatus
from .models import (
    POLICY_RULE_FIELDS,
    ErasureRecord,
    JoinRequestDigest,
    Membership,
    MembershipPolicy,
    PolicyVersion,
    User,
)
from .rules import (
    Decision,
    Rules,
    effective_rules,
    eligibility,
    failed_rules,
    loosenings,
    rules_of,
)


@transaction.atomic
def adopt_policy_version(chapter: Chapter | None, *, actor: User | None, note: str = "",
                         **rules) -> PolicyVersion:
    """Make a new current version of a chapter's policy (or of the baseline, chapter=None)."""
    unknown = set(rules) - set(POLICY_RULE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown policy rules: {sorted(unknown)}")
    policy, _ = MembershipPolicy.objects.select_for_update().get_or_create(
        chapter=chapter, is_network_baseline=chapter is None,
    )
    number = (policy.versions.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    version = PolicyVersion.objects.create(
        policy=policy, number=number, note=note, created_by=actor, **rules,
    )
    policy.current_version = version
    policy.save(update_fields=["current_version"])
    record(actor, AuditAction.POLICY_CHANGED, version, chapter=chapter,
           summary=f"v{number}: {note}"[:300])
    return version


@transaction.atomic
def add_organizer(chapter: Chapter, user: User, *, actor: User | None) -> Membership:
    """Make `user` an active organizer of `chapter` (creating the membership if needed)."""
    _baseline, policy_version = current_versions(chapter)
    membership, _ = Membership.objects.select_for_update().get_or_create(
        user=user, chapter=chapter,
        defaults={"status": MembershipStatus.ACTIVE, "role": MembershipRole.ORGANIZER,
                  "policy_version": policy_version, "decided_at": timezone.now(),
                  "decided_by": actor},
    )
    if (membership.status, membership.role) != (MembershipStatus.ACTIVE,
                                                MembershipRole.ORGANIZER):
        membership.status = MembershipStatus.ACTIVE
        membership.role = MembershipRole.ORGANIZER
        membership.save(update_fields=["status", "role"])
    record(actor, AuditAction.ROLE_CHANGED, membership, chapter=chapter,
           summary="organizer")
    return membership


# ---------------------------------------------------------------------------------------
# Joining and deciding: one function per transition, checked against ALLOWED.
# ---------------------------------------------------------------------------------------

S = MembershipStatus

# (from, to): who may make it. "person" is the member themself, "organizer" their chapter's.
ALLOWED: dict[tuple[str | None, str], str] = {
    (None, S.PENDING): "person",
    (None, S.ACTIVE): "person",
    (S.DECLINED, S.PENDING): "person",
    (S.DECLINED, S.ACTIVE): "person",
    (S.LEFT, S.PENDING): "person",
    (S.LEFT, S.ACTIVE): "person",
    (S.PENDING, S.ACTIVE): "organizer",
    (S.PENDING, S.DECLINED): "organizer",
    (S.PENDING, S.LEFT): "person",
    (S.ACTIVE, S.LEFT): "person",
    (S.ACTIVE, S.REMOVED): "organizer",
    (S.REMOVED, S.ACTIVE): "organizer",
}


class TransitionError(Exception):
    """A change the current state does not allow; the message is safe to show."""


def _check(current: str | None, new: str, by: str) -> None:
    if ALLOWED.get((current, new)) != by:
        raise TransitionError(_("This request or membership has changed; reload the page."))


def current_versions(chapter: Chapter | None) -> tuple[PolicyVersion | None,
                                                     PolicyVersion | None]:
    """The baseline's and the chapter's current policy versions (the baseline's alone for
    chapter=None)."""
    versions = MembershipPolicy.objects.current_versions([chapter] if chapter else [])
    return versions.get(None), versions.get(chapter.pk) if chapter else None


def chapter_rules(chapter: Chapter) -> Rules:
    baseline, own = current_versions(chapter)
    return effective_rules(baseline, own)


class JoinRefusal(StrEnum):
    """Why a person may not ask to join a chapter now, whatever they would answer."""

    NOT_LISTED = "not_listed"  # not in the directory: there is no such chapter for them
    ASKED = "asked"  # their request is pending or they are a member: asking changes nothing
    REMOVED = "removed"  # an organizer removed them: they cannot rejoin on their own
    NO_NEWCOMERS = "no_newcomers"  # the chapter graduated or closed

    @property
    def message(self) -> str:
        return {
            JoinRefusal.REMOVED: _("An organizer removed you from this chapter; please "
                                   "contact the chapter to talk about it."),
            JoinRefusal.NO_NEWCOMERS: _("This chapter no longer takes new members."),
        }.get(self, "")


def join_refusal(chapter: Chapter, membership: Membership | None) -> JoinRefusal | None:
    """Why the person with this membership of the chapter (None: none yet) may not ask to
    join it, or None when they may: every admission check before the questions."""
    if not chapter.is_listed:
        return JoinRefusal.NOT_LISTED
    if membership and membership.status in (S.PENDING, S.ACTIVE):
        return JoinRefusal.ASKED
    if membership and membership.status == S.REMOVED:
        return JoinRefusal.REMOVED
    if not chapter.takes_newcomers:
        return JoinRefusal.NO_NEWCOMERS
    return None


def locked_membership(chapter: Chapter, user: User) -> Membership | None:
    """The person's membership of the chapter, locked until the transaction ends."""
    return Membership.objects.select_for_update().filter(chapter=chapter, user=user).first()


@dataclass
class JoinOutcome:
    decision: Decision | None
    membership: Membership | None
    refusal: JoinRefusal | None = None


# `request_to_join(existing=...)` not given: the service reads the membership itself.
UNREAD = object()


def request_to_join(chapter: Chapter, user: User, answers: dict, *,
                    versions: tuple[PolicyVersion | None, PolicyVersion | None] | None = None,
                    existing: Membership | None | object = UNREAD) -> JoinOutcome:
    """Judge a request to join under the current rules and record it.

    `versions`: the (baseline, chapter) policy versions the caller already read for this
    request (`current_versions`), the ones its form asked the questions of; read here if
    not given. `existing`: the person's membership of the chapter (or None) as the caller
    read it with `locked_membership()` in the transaction this then joins (no savepoint of
    its own: an error rolls back the caller's whole transaction); read so here if not
    given.

    Asking again while pending or active changes nothing (the outcome is the membership
    they have); a declined person or one who left gets a new decision; a removed person, a
    chapter that takes no newcomers or one not listed is a refusal with no decision. A
    person who is not eligible leaves no record: we keep the least data.
    """
    with transaction.atomic(savepoint=existing is UNREAD):
        if existing is UNREAD:
            existing = locked_membership(chapter, user)
        refusal = join_refusal(chapter, existing)
        if refusal == JoinRefusal.ASKED:
            return JoinOutcome(Decision(eligible=True), existing)
        if refusal is not None:
            return JoinOutcome(None, existing, refusal)
        baseline, own = versions if versions is not None else current_versions(chapter)
        rules = effective_rules(baseline, own)
        decision = eligibility(rules, answers)
        if not decision.eligible:
            return JoinOutcome(decision, None)
        new_status = S.PENDING if decision.approval_required else S.ACTIVE
        _check(existing.status if existing else None, new_status, "person")
        membership = existing or Membership(user=user, chapter=chapter)
        membership.status = new_status
        membership.role = MembershipRole.MEMBER
        membership.policy_version = own
        membership.baseline_version = baseline
        membership.answers = answers
        membership.requested_at = timezone.now()
        membership.decided_at = None if decision.approval_required else timezone.now()
        membership.decided_by = None
        membership.message = ""
        membership.reason = ""
        membership.save()
        if new_status == S.PENDING:
            schedule_digest(chapter)
        return JoinOutcome(decision, membership)


# A refused person is offered chapters within reach: in the same country, or this close.
ALTERNATIVES_KM = 500
MAX_ALTERNATIVES = 5


def alternatives(chapter: Chapter, answers: dict) -> dict:
    """Where a person who does not fit this chapter may go instead: the nearest chapters
    within reach whose current rules do not refuse these answers, with their distance, and
    the online chapters that would take them. One query for the chapters, however many
    the network has."""
    failed = failed_rules(answers)
    baseline = current_versions(chapter)[0]
    baseline_rules = rules_of(baseline) if baseline else None
    fits: list[Chapter] = []
    if not (baseline_rules and any(rule.applies(baseline_rules) for rule in failed)):
        candidates = Chapter.objects.listed().exclude(pk=chapter.pk).exclude(
            status__in=NO_NEWCOMER_STATUSES).filter(policy__current_version__isnull=False)
        for rule in failed:
            candidates = candidates.exclude(
                **{f"policy__current_version__{rule.field}": rule.on_when})
        online = Q(kind=ChapterKind.ONLINE)
        if chapter.latitude is not None and chapter.longitude is not None:
            within = Q(kind=ChapterKind.LOCAL) & (
                box_around(chapter.latitude, chapter.longitude, ALTERNATIVES_KM)
                | (Q(country=chapter.country) if chapter.country else Q(pk__in=[])))
            candidates = candidates.filter(online | within).annotate(
                km=distance_expression(chapter.latitude, chapter.longitude))
        else:
            candidates = candidates.filter(online).annotate(km=Value(None, FloatField()))
        # The nearest few of each kind, ranked in the database: no row per chapter here.
        candidates = candidates.annotate(rank=Window(
            RowNumber(), partition_by=[F("kind")], order_by=[F("km").asc(nulls_last=True),
                                                             F("name").asc()]))
        fits = list(candidates.filter(rank__lte=MAX_ALTERNATIVES).order_by("km", "name"))
    local = [c for c in fits if c.kind == ChapterKind.LOCAL and (
        c.km <= ALTERNATIVES_KM or (chapter.country and c.country == chapter.country))]
    online_fits = sorted((c for c in fits if c.kind == ChapterKind.ONLINE),
                         key=lambda c: (c.slug != "global", c.name))
    partners = [p for p in PartnerOrganization.objects.all()
                if chapter.country and chapter.country in (p.countries or [])]
    return {"other_chapters": local, "global_chapter": online_fits[0] if online_fits else None,
            "partners": partners}


def _email_person(membership: Membership, template: str, **context) -> None:
    user = membership.user
    # A membership row is reused when a person asks again: the decision's time tells apart
    # one decision's email from the next.
    occasion = membership.decided_at.isoformat() if membership.decided_at else ""
    enqueue_email(user.email, f"members/{template}",
                  {"name": str(user), "chapter": membership.chapter.name,
                   "chapter_url": membership.chapter.get_absolute_url(), **context},
                  recipient_language(user), key=f"membership:{membership.pk}:{occasion}")


@transaction.atomic
def decide_request(membership: Membership, *, actor: User, approve: bool,
                   message: str = "") -> Membership:
    """An organizer approves or declines one pending join request."""
    membership = Membership.objects.select_for_update(of=("self",)).select_related(
        "user", "chapter").get(pk=membership.pk)
    new_status = S.ACTIVE if approve else S.DECLINED
    _check(membership.status, new_status, "organizer")
    membership.status = new_status
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.message = "" if approve else message
    membership.save(update_fields=["status", "decided_at", "decided_by", "message"])
    record(actor, AuditAction.JOIN_REQUEST_DECIDED, membership, chapter=membership.chapter,
           summary=new_status)
    _email_person(membership, "request_approved" if approve else "request_declined",
                  message=membership.message)
    return membership


def role_changes(membership: Membership, organizers: int) -> set[str]:
    """The roles this membership may be given (what change_role accepts), for a chapter
    with this many organizers: only active members change role, and the last organizer
    cannot step back. The member list offers exactly these."""
    if membership.status != S.ACTIVE:
        return set()
    if membership.role == MembershipRole.ORGANIZER:
        return {MembershipRole.MEMBER} if organizers > 1 else set()
    return {MembershipRole.ORGANIZER}


@transaction.atomic
def change_role(membership: Membership, role: str, *, actor: User) -> Membership:
    """Promote an active member to organizer, or step an organizer back to member.

    The last organizer of a chapter cannot step back: someone must keep the chapter.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != S.ACTIVE or role not in MembershipRole.values:
        raise TransitionError(_("Only active members can change role."))
    if role == membership.role:
        return membership
    organizers = Membership.objects.organizers().filter(chapter_id=membership.chapter_id)
    if role not in role_changes(membership, organizers.count()):
        raise TransitionError(_("A chapter needs at least one organizer."))
    membership.role = role
    membership.save(update_fields=["role"])
    record(actor, AuditAction.ROLE_CHANGED, membership, chapter=membership.chapter,
           summary=role)
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, actor: User, reason: str,
                  notify: bool = False) -> Membership:
    """An organizer removes an active member, with a reason; the person may be told."""
    membership = Membership.objects.select_for_update(of=("self",)).select_related(
        "user", "chapter").get(pk=membership.pk)
    _check(membership.status, S.REMOVED, "organizer")
    if membership.role == MembershipRole.ORGANIZER and Membership.objects.organizers().filter(
            chapter_id=membership.chapter_id).count() <= 1:
        raise TransitionError(_("A chapter needs at least one organizer."))
    membership.status = S.REMOVED
    membership.role = MembershipRole.MEMBER
    membership.reason = reason
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save(update_fields=["status", "role", "reason", "decided_at", "decided_by"])
    record(actor, AuditAction.MEMBER_REMOVED, membership, chapter=membership.chapter,
           summary=reason)
    if notify:
        _email_person(membership, "removed", reason=reason)
    return membership


@transaction.atomic
def leave_chapter(membership: Membership, *, user: User) -> Membership:
    """A person leaves a chapter, or withdraws a pending request."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk, user=user)
    _check(membership.status, S.LEFT, "person")
    if membership.role == MembershipRole.ORGANIZER and Membership.objects.organizers().filter(
            chapter_id=membership.chapter_id).count() <= 1:
        raise TransitionError(_("You are this chapter's last organizer: make someone else "
                                "an organizer before you leave."))
    membership.status = S.LEFT
    membership.role = MembershipRole.MEMBER
    membership.save(update_fields=["status", "role"])
    return membership


def record_members_export(chapter: Chapter, *, actor: User, count: int) -> None:
    """Each CSV export of a member list is recorded: who, when, how many rows."""
    record(actor, AuditAction.MEMBERS_EXPORTED, chapter, chapter=chapter,
           summary=f"{count} rows", rows=count)


# ---------------------------------------------------------------------------------------
# The daily digest of new join requests.
# ---------------------------------------------------------------------------------------

DIGEST_HOUR = 9  # local time of the chapter


def next_digest_time(chapter: Chapter, now: datetime, last_sent: datetime | None) -> datetime:
    """The next DIGEST_HOUR in the chapter's time zone, at least a day after the last one."""
    try:
        zone = ZoneInfo(chapter.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    earliest = max(now, last_sent + timedelta(days=1)) if last_sent else now
    local = earliest.astimezone(zone)
    candidate = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if candidate < local:
        candidate += timedelta(days=1)
    return candidate.astimezone(dt_timezone.utc)


def schedule_digest(chapter: Chapter) -> None:
    """Enqueue the chapter's digest unless one is already waiting: at most one a day."""
    from .tasks import send_join_request_digest

    digest, _created = JoinRequestDigest.objects.select_for_update().get_or_create(
        chapter=chapter)
    if digest.scheduled_for is not None:
        return
    digest.scheduled_for = next_digest_time(chapter, timezone.now(), digest.last_sent_at)
    digest.save(update_fields=["scheduled_for"])
    # The task row is written in this transaction: it exists exactly when the schedule does.
    send_join_request_digest.using(run_after=digest.scheduled_for).enqueue(chapter.pk)


# ---------------------------------------------------------------------------------------
# Policies and accounts.
# ---------------------------------------------------------------------------------------


class PolicyError(Exception):
    """A proposed policy that would lift the network baseline; the messages say which rule."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def change_policy(chapter: Chapter | None, *, actor: User, note: str, **rules) -> PolicyVersion:
    """Save a chapter's (or the baseline's) rules as a new version; never below the baseline."""
    if chapter is not None:
        baseline, _own = current_versions(chapter)
        proposed = rules_of(PolicyVersion(**rules))
        problems = loosenings(rules_of(baseline), proposed) if baseline else []
        if problems:
            raise PolicyError(problems)
    return adopt_policy_version(chapter, actor=actor, note=note, **rules)


def email_digest(email: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{email.strip().lower()}".encode()).hexdigest()


@transaction.atomic
def delete_account(user: User, *, record_erasure: bool = True) -> None:
    """Erase a person: every app's data, their sessions, then the account itself.

    Memberships stay as anonymous rows so that counts survive. An erasure record with a
    salted hash of the email lets the erasure be applied again after a backup restore.
    Task rows (queued and finished emails) holding the person's addresses go too.
    """
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    from core.personal_data import erase_personal_data

    if record_erasure:
        salt = secrets.token_hex(16)
        ErasureRecord.objects.create(salt=salt, email_hash=email_digest(user.email, salt))
    # Read before the apps erase them: the addresses the person proved are theirs.
    addresses = {user.email.lower()} | {
        address.lower() for address in EmailAddress.objects.filter(
            user=user, verified=True).values_list("email", flat=True)}
    erase_personal_data(user)
    # Last, so that no email queued while erasing (none should be) outlives it.
    erase_task_rows(addresses)
    session_keys = set(UserSession.objects.filter(user=user).values_list(
        "session_key", flat=True))
    # Sessions allauth did not track (admin logins, tests): a scan, rare and worth it.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session_keys.add(session.session_key)
    Session.objects.filter(session_key__in=session_keys).delete()
    UserSession.objects.filter(user=user).delete()
    record(None, AuditAction.ACCOUNT_DELETED, None)
    user.delete()


def reapply_erasures() -> int:
    """After restoring a backup: erase again every account that had been deleted."""
    records = list(ErasureRecord.objects.all())
    erased = 0
    for user in User.objects.all():
        if any(email_digest(user.email, r.salt) == r.email_hash for r in records):
            delete_account(user, record_erasure=False)
            erased += 1
    return erased


# ---------------------------------------------------------------------------------------
# One identity: an address proved by an emailed link becomes (or finds) the person's account
# ---------------------------------------------------------------------------------------

# A confirmation link signs its holder in only this long after it was emailed: as long as
# allauth keeps its own email-confirmation links valid.
CONFIRMED_LINK_SIGNS_IN_FOR = timedelta(days=3)


def account_for_confirmed_address(email: str, *, name: str = "",
                                  language: str = "") -> tuple[User, bool]:
    """The account of a person who just proved they hold `email` (by a link or a code
    emailed there): theirs if they have one, else a new one, password-less, with the
    address verified, named as they signed up and speaking their language. Returns
    (user, created). An existing account keeps its name and language; its address is
    marked verified, as allauth's own confirmation would."""
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.with_email(email).first()
        created = user is None
        if created:
            user = User.objects.create_user(email, display_name=name.strip()[:80],
                                            preferred_language=language)
        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is None:
            EmailAddress.objects.create(user=user, email=email, verified=True,
                                        primary=not user.emailaddress_set.filter(
                                            primary=True).exists())
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
    return user, created
