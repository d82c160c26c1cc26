"""The roles every app's permissions build on. A Global admin and a coach are flags on the
person; a second factor is allauth's TOTP. Who organizes which chapter is the members app's
to say (its memberships stand above every app that asks): it names its reader here when it
loads (`members.apps.MembersConfig.ready`), and until then nobody organizes anything.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator

_organizer_chapter_ids: Callable[[object], frozenset[int]] = lambda user: frozenset()


def signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_mfa(user) -> bool:
    """Whether the person has a second factor (TOTP) set up."""
    if not signed_in(user):
        return False
    cached = getattr(user, "_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
        user._has_mfa = cached
    return cached


def is_global_admin(user) -> bool:
    return signed_in(user) and user.is_global_admin


def is_coach(user) -> bool:
    return signed_in(user) and user.is_coach


def read_organizers_with(reader: Callable[[object], frozenset[int]]) -> None:
    """Name the function that answers which chapters a person organizes."""
    global _organizer_chapter_ids
    _organizer_chapter_ids = reader


def is_organizer(user, chapter) -> bool:
    return chapter.pk in _organizer_chapter_ids(user)
