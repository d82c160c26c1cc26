"""Django's admin as the network runs it: a tool of Global admins that shows and changes
only what the permission predicates allow, and records every change in the audit log.

- Only `permissions.may_use_admin` people get in (staff Global admins with a second factor);
  anyone else signed in gets a 403, anyone signed out goes to allauth's sign-in (the login
  view is also wrapped by allauth's `secure_admin_login` in twc/urls.py). Django's own
  password form is never shown, so nobody signs in around the second factor.
- Every model in it is a `PredicateAdmin`: it names the predicates that may view and
  change it. Django's model permissions and the superuser flag play no part.
- What the app's pages own (sessions, registrations, memberships, applications, the audit
  log, people's addresses, browsers and authenticators, task rows) is absent: those changes
  go through the service functions (capacity locks, audit, emails). A model added here
  must be one no page edits, with the predicates of the pages that show it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import permissions


def _nobody(user) -> bool:
    return False


class NetworkAdminSite(admin.AdminSite):
    site_header = site_title = "Network administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.may_use_admin(request.user)

    def admin_view(self, view, cacheable: bool = False):
        guarded = super().admin_view(view, cacheable)

        def refuse_signed_in_strangers(request, *args, **kwargs):
            # Django would send them to its login form; a refusal says it plainly.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return guarded(request, *args, **kwargs)

        refuse_signed_in_strangers = update_wrapper(refuse_signed_in_strangers, guarded)
        refuse_signed_in_strangers.admin_site = self
        return refuse_signed_in_strangers

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Never Django's password form: allauth signs people in, with its second factor."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        if not self.has_permission(request):
            raise PermissionDenied
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(next_url)

    def password_change(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # One place to change credentials: allauth's, which notifies the person.
        return redirect("account_change_password")

    def password_change_done(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        return redirect("account_change_password")


class PredicateAdmin(admin.ModelAdmin):
    """A model in the admin, shown to `may_view` people and changed (added, edited,
    deleted) by `may_change` people; both take the person and answer a bool. Every change
    is recorded in the audit log, in the same transaction."""

    may_view: Callable[[Any], bool] = staticmethod(_nobody)
    may_change: Callable[[Any], bool] = staticmethod(_nobody)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return bool(self.may_view(request.user))

    def _may_change(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and bool(self.may_change(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_change(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may_change(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may_change(request)

    def _record(self, request: HttpRequest, obj, change: str, fields: list[str]) -> None:
        from audit.log import record
        from audit.models import AuditAction

        record(request.user, AuditAction.ADMIN_CHANGED, obj,
               summary=f"{change.capitalize()} in the admin: {obj._meta.verbose_name} {obj}",
               change=change, fields=fields)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._record(request, obj, "changed" if change else "added",
                         list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj) -> None:
        with transaction.atomic():
            self._record(request, obj, "deleted", [])
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._record(request, obj, "deleted", [])
            super().delete_queryset(request, queryset)
