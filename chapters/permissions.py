"""Who may change the directory: a chapter's page, its status, the partner list. Built on
the roles in core.roles (members names the organizers of each chapter there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.roles import has_mfa, is_global_admin, is_organizer

if TYPE_CHECKING:
    from .models import Chapter


def may_edit_chapter(user, chapter: Chapter) -> bool:
    """The chapter's page: its organizers and Global admins."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


def may_change_chapter_status(user) -> bool:
    """Dormant, graduated, closed: the directory's truth is kept by Global admins."""
    return has_mfa(user) and is_global_admin(user)


def may_manage_partners(user) -> bool:
    return has_mfa(user) and is_global_admin(user)
