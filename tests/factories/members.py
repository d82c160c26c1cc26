"""People, policies and memberships."""

from __future__ import annotations

import itertools

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from chapters.models import Chapter
from members.enums import MembershipRole, MembershipStatus
from members.models import Membership, MembershipPolicy, PolicyVersion, User

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# One numbering for every generated name (people, chapters), as when they shared a module.
numbers = itertools.count(1)


def make_user(email: str | None = None, *, mfa: bool = False, **fields) -> User:
    email = email or f"person{next(numbers)}@example.org"
    user = User.objects.create_user(email=email, password=fields.pop("password", None), **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


def make_policy(chapter: Chapter | None = None, **rules) -> PolicyVersion:
    policy, _ = MembershipPolicy.objects.get_or_create(
        chapter=chapter, is_network_baseline=chapter is None,
    )
    number = policy.versions.count() + 1
    version = PolicyVersion.objects.create(policy=policy, number=number, **rules)
    policy.current_version = version
    policy.save(update_fields=["current_version"])
    return version


def make_membership(user: User, chapter: Chapter, *, role: str = MembershipRole.MEMBER,
                    status: str = MembershipStatus.ACTIVE, **fields) -> Membership:
    return Membership.objects.create(
        user=user, chapter=chapter, role=role, status=status,
        policy_version=chapter.policy.current_version, **fields,
    )


def make_organizer(chapter: Chapter, email: str | None = None, *, mfa: bool = True) -> User:
    user = make_user(email, mfa=mfa, display_name="Organizer")
    make_membership(user, chapter, role=MembershipRole.ORGANIZER)
    return user
