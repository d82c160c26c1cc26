"""Who may write to a chapter's people, and see how many follow it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.roles import has_mfa, is_global_admin
from members.permissions import is_organizer

if TYPE_CHECKING:
    from chapters.models import Chapter
    from members.models import User


def may_send_announcements(user: User, chapter: Chapter) -> bool:
    """Write and send a chapter's announcements: its organizers."""
    return has_mfa(user) and is_organizer(user, chapter)


def may_see_follower_count(user: User, chapter: Chapter) -> bool:
    """A count of followers, never the list: the chapter's organizers and Global admins."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


def may_send_network_announcements(user: User) -> bool:
    """Announcements to every chapter's people at once: Global admins."""
    return has_mfa(user) and is_global_admin(user)
