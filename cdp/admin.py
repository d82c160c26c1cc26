from django.contrib import admin

from .forms import TrainingResourceForm
from .models import Application, Milestone, TrainingResource


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "required", "run_by_coach"]
    list_display_links = ["title"]
    filter_horizontal = ["resources"]


@admin.register(TrainingResource)
class TrainingResourceAdmin(admin.ModelAdmin):
    form = TrainingResourceForm
    list_display = ["title", "language", "url", "file"]
    list_filter = ["language"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: state changes go through the program's pages, which record them."""

    list_display = ["proposed_name", "state", "coach", "state_changed_at"]
    list_filter = ["state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
