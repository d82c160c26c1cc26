"""The members app's part of a person's data: profile, email addresses, memberships."""

from allauth.account.models import EmailAddress

from .enums import MembershipRole, MembershipStatus
from .models import Membership, PolicyVersion


def _version(version: PolicyVersion | None) -> dict | None:
    if version is None:
        return None
    return {
        "version": version.number,
        "exclude_hire_fire": version.exclude_hire_fire,
        "exclude_owners_executives_investors": version.exclude_owners_executives_investors,
        "allow_supporters": version.allow_supporters,
        "approval_required": version.approval_required,
        "questions": version.questions,
        "note": version.note,
        "adopted_at": version.created_at.isoformat(),
    }


def export(user) -> dict:
    """Everything this app holds about the person, and nothing about anyone else
    (not who decided on their request)."""
    memberships = Membership.objects.filter(user=user).select_related(
        "chapter", "policy_version", "baseline_version").order_by("requested_at")
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "pronouns": user.pronouns,
            "work_kind": user.work_kind,
            "languages": user.languages,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "memberships": [
            {
                "chapter": m.chapter.name,
                "status": m.status,
                "role": m.role,
                "answers": m.answers,
                "requested_at": m.requested_at.isoformat(),
                "decided_at": m.decided_at.isoformat() if m.decided_at else None,
                "message_to_you": m.message,
                "reason": m.reason,
                "judged_under_chapter_policy": _version(m.policy_version),
                "judged_under_network_baseline": _version(m.baseline_version),
            }
            for m in memberships
        ],
    }


def erase(user) -> None:
    """Keep memberships as anonymous counts (as people who left): no person, no answers."""
    Membership.objects.filter(user=user).update(
        user=None, status=MembershipStatus.LEFT, role=MembershipRole.MEMBER, answers={},
        message="", reason="", decided_by=None,
    )
    EmailAddress.objects.filter(user=user).delete()
