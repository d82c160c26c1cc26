from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


ORGANIZERS = "organizers"  # who organizes a chapter, by the names they chose


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")
    default = True

    def ready(self) -> None:
        from core import pagecache

        # A chapter page shows the rules (`chapter_rules`) and the organizers' chosen names
        # (`chapter_organizers`): cached pages follow them (core.pagecache).
        pagecache.watch("members_membershippolicy", pagecache.POLICIES)
        pagecache.watch("members_policyversion", pagecache.POLICIES)
        pagecache.watch("members_membership", ORGANIZERS)
        pagecache.watch("members_user", ORGANIZERS, columns=("display_name", "is_active"))


class NetworkAdminConfig(admin_apps.AdminConfig):
    """Django's admin, asking the permission predicates (members/admin_site.py)."""

    default = False
    default_site = "members.admin_site.NetworkAdminSite"
