from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import AuditAction, AuditEvent
from .permissions import may_read_audit_log


def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, for Global admins only, newest first, filterable by action."""
    if not may_read_audit_log(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor", "chapter")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "page": page, "actions": AuditAction.choices, "action": action,
    })
