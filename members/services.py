"""State changes on policies and memberships: one function per transition.

Other apps call these (the Chapter Development Program's launch adopts a chapter's first
policy and makes its applicants organizers); keep their signatures stable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from audit.log import record
from audit.models import AuditAction

from .enums import MembershipRole, MembershipStatus
from .models import Membership, MembershipPolicy, PolicyVersion

if TYPE_CHECKING:
    from chapters.models import Chapter

    from .models import User

POLICY_RULE_FIELDS = (
    "exclude_hire_fire",
    "exclude_owners_executives_investors",
    "allow_supporters",
    "approval_required",
    "questions",
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
    policy_version = (
        MembershipPolicy.objects.filter(chapter=chapter)
        .values_list("current_version", flat=True).first()
    )
    membership, _ = Membership.objects.select_for_update().get_or_create(
        user=user, chapter=chapter,
        defaults={"status": MembershipStatus.ACTIVE, "role": MembershipRole.ORGANIZER,
                  "policy_version_id": policy_version, "decided_at": timezone.now(),
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
