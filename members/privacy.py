"""The members app's part of a person's data: profile, email addresses, memberships."""

from allauth.account.models import EmailAddress

from core.emails import EMAIL_TASK_PATHS

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


DIGEST_TEMPLATE = "members/join_request_digest"


def _forget_in_digests(user) -> None:
    """Digests already queued or sent to organizers list the person's name while they asked
    to join: take it out (their address is in no such row, so the task-row erasure by
    address does not find them)."""
    from django.db.models import TextField
    from django.db.models.functions import Cast
    from django_tasks_db.models import DBTaskResult

    chapters = set(Membership.objects.pending().filter(user=user)
                   .values_list("chapter__name", flat=True))
    if not chapters:
        return
    name = str(user)
    rows = (DBTaskResult.objects.filter(task_path__in=EMAIL_TASK_PATHS)
            .annotate(text=Cast("args_kwargs", TextField())).filter(text__icontains=name))
    for row in rows:
        args = row.args_kwargs.get("args") or []
        if len(args) < 3 or args[1] != DIGEST_TEMPLATE or not isinstance(args[2], dict):
            continue
        context = args[2]
        names = context.get("names") or []
        if context.get("chapter") not in chapters or name not in names:
            continue
        context["names"] = [n for n in names if n != name]
        context["count"] = len(context["names"])
        DBTaskResult.objects.filter(pk=row.pk).update(args_kwargs=row.args_kwargs)


def erase(user) -> None:
    """Keep memberships as anonymous counts (as people who left): no person, no answers."""
    _forget_in_digests(user)
    Membership.objects.filter(user=user).update(
        user=None, status=MembershipStatus.LEFT, role=MembershipRole.MEMBER, answers={},
        message="", reason="", decided_by=None, sort_name="",
    )
    EmailAddress.objects.filter(user=user).delete()
