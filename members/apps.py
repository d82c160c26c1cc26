from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")
    default = True

    def ready(self) -> None:
        from core import roles

        from . import permissions

        # Chapters' own predicates (their page, below this app) ask who organizes them.
        roles.read_organizers_with(permissions.organizer_chapter_ids)


class NetworkAdminConfig(admin_apps.AdminConfig):
    """Django's admin, asking the permission predicates (members/admin_site.py)."""

    default = False
    default_site = "members.admin_site.NetworkAdminSite"
