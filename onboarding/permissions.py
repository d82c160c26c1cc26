"""Who may run a chapter's onboarding sessions and see their funnel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.roles import has_mfa, is_global_admin
from members.permissions import is_organizer

if TYPE_CHECKING:
    from chapters.models import Chapter
    from members.models import User


def may_manage_sessions(user: User, chapter: Chapter) -> bool:
    """Schedule, edit, cancel onboarding sessions, see sign-ups, check people in."""
    return has_mfa(user) and is_organizer(user, chapter)


def may_see_session_funnel(user: User, chapter: Chapter) -> bool:
    """The onboarding funnel (numbers only): the chapter's organizers and Global admins."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))
