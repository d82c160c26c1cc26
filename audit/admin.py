from django.contrib import admin

from members import permissions
from members.admin_site import PredicateAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(PredicateAdmin):
    """Read-only, for the people who may read the log (/audit/)."""

    may_view = staticmethod(permissions.may_read_audit_log)
    list_display = ["created_at", "action", "actor", "chapter", "summary"]
    list_filter = ["action"]
    list_select_related = ["actor", "chapter"]
