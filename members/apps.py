from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

ORGANIZERS = "organizers"  # who organizes a chapter, by the names they chose


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")
    default = True

    def ready(self) -> None:
        from core import pagecache, roles

        from . import permissions

        # Chapters' own predicates (their page, below this app) ask who organizes them.
        roles.read_organizers_with(permissions.organizer_chapter_ids)

        # After every migrate: a table rebuilt by a migration loses its triggers in SQLite,
        # and a lost role-version trigger would keep a revoked role in people's sessions (a
        # lost name-order trigger, a stale name in the member list's order).
        post_migrate.connect(_install_role_triggers, sender=self,
                             dispatch_uid="members.install_role_version_triggers")

        # A chapter page shows the rules (`chapter_rules`) and the organizers' chosen names
        # (`chapter_organizers`): cached pages follow them (core.pagecache).
        pagecache.watch("members_membershippolicy", pagecache.POLICIES)
        pagecache.watch("members_policyversion", pagecache.POLICIES)
        pagecache.watch("members_membership", ORGANIZERS)
        pagecache.watch("members_user", ORGANIZERS, columns=("display_name", "is_active"))

        # The rules on a chapter page (`chapter_rules`) come with the chapter: its policy
        # and current version in the chapter's own query.
        from chapters.views import read_with_chapter_page

        read_with_chapter_page(with_policy)


def with_policy(chapters):
    """Chapters read with their membership policy and its current version (one join)."""
    return chapters.select_related("policy__current_version")


def _install_role_triggers(sender, using, **kwargs) -> None:
    from django.db import connections

    from . import name_order, roles

    roles.install_triggers(connections[using])
    name_order.install_triggers(connections[using])


class NetworkAdminConfig(admin_apps.AdminConfig):
    """Django's admin, asking the permission predicates (members/admin_site.py)."""

    default = False
    default_site = "members.admin_site.NetworkAdminSite"
