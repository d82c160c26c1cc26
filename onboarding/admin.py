from django.contrib import admin

from .models import OnboardingSession, Registration


@admin.register(OnboardingSession)
class OnboardingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "chapter", "starts_at", "format", "language", "capacity", "status"]
    list_filter = ["status", "format", "language"]
    search_fields = ["title", "chapter__name"]
    list_select_related = ["chapter"]
    raw_id_fields = ["chapter", "created_by"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "session", "status", "email_confirmed", "created_at"]
    list_filter = ["status"]
    list_select_related = ["session"]
    raw_id_fields = ["session", "user", "checked_in_by"]
    exclude = ["token", "code"]
