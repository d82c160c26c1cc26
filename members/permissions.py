"""The organizer role, and who may do what with chapters' members and policies.

Each predicate takes the acting user first and the object second, and answers a plain bool.
Roles: a Global admin and a coach are network-level (flags on the person); an organizer is
an active membership with the organizer role in one chapter. The apps above build their own
predicates on these roles, beside their scoped querysets (onboarding, cdp, outreach and
network each have a permissions.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.roles import has_mfa, is_coach, is_global_admin, signed_in

from .enums import MembershipRole, MembershipStatus

if TYPE_CHECKING:
    from chapters.models import Chapter

    from .models import User


def organizer_chapter_ids(user: User) -> frozenset[int]:
    """The chapters this person organizes, read once per request."""
    if not signed_in(user):
        return frozenset()
    cached = getattr(user, "_organizer_chapter_ids", None)
    if cached is None:
        from .models import Membership

        cached = frozenset(
            Membership.objects.filter(
                user=user, status=MembershipStatus.ACTIVE, role=MembershipRole.ORGANIZER
            ).values_list("chapter_id", flat=True)
        )
        user._organizer_chapter_ids = cached
    return cached


def has_elevated_role(user: User) -> bool:
    """Organizers, coaches and Global admins must use a second factor."""
    return is_global_admin(user) or is_coach(user) or bool(organizer_chapter_ids(user))


def is_organizer(user: User, chapter: Chapter) -> bool:
    return chapter.pk in organizer_chapter_ids(user)


# (Each section below belongs to one part of the product; add a predicate inside its own
# section so that parallel work on other parts does not touch the same lines.)
# ---------------------------------------------------------------------------------------
# Membership: policies, join requests, member lists.
# ---------------------------------------------------------------------------------------


def may_manage_members(user: User, chapter: Chapter) -> bool:
    """See and decide on members and join requests: only that chapter's organizers."""
    return has_mfa(user) and is_organizer(user, chapter)


def may_see_member_counts(user: User, chapter: Chapter) -> bool:
    """Counts, never names: organizers of the chapter and Global admins."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


def may_see_policy_history(user: User, chapter: Chapter) -> bool:
    """Who changed a chapter's rules, version by version: its organizers and Global
    admins (the public chapter page tells only what changed and when)."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


def may_edit_policy(user: User, chapter: Chapter | None) -> bool:
    """A chapter's policy: its organizers. The network baseline: Global admins."""
    if chapter is None:
        return has_mfa(user) and is_global_admin(user)
    return has_mfa(user) and is_organizer(user, chapter)


# ---------------------------------------------------------------------------------------
# Django's admin (members/admin_site.py): a Global admin's tool for the program's content.
# ---------------------------------------------------------------------------------------


def may_use_admin(user: User) -> bool:
    """Django's admin at all: staff who are Global admins, with a second factor. Being a
    Django superuser adds nothing; each model there asks its own predicate too."""
    return has_mfa(user) and is_global_admin(user) and user.is_staff

