"""The program's content in Django's admin (members/admin_site.py): milestones and training
resources, configured by Global admins, every change in the audit log. Applications are
not here: reviewers see them, and move them on, on the program's pages (cdp/services.py)."""

from django.contrib import admin

from members.admin_site import PredicateAdmin

from . import permissions
from .forms import TrainingResourceForm
from .models import Milestone, MilestoneProgress, TrainingResource


@admin.register(Milestone)
class MilestoneAdmin(PredicateAdmin):
    may_view = may_change = staticmethod(permissions.may_configure_program)
    list_display = ["order", "title", "required", "run_by_coach"]
    list_display_links = ["title"]
    filter_horizontal = ["resources"]

    def has_delete_permission(self, request, obj=None):
        # Deleting a milestone would delete the progress applicants and coaches recorded.
        if obj is not None and MilestoneProgress.objects.filter(milestone=obj).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(TrainingResource)
class TrainingResourceAdmin(PredicateAdmin):
    may_view = may_change = staticmethod(permissions.may_configure_program)
    form = TrainingResourceForm
    list_display = ["title", "language", "url", "file"]
    list_filter = ["language"]

