"""Sends an organizer, coach or Global admin without a second factor to set one up."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import roles
from .permissions import has_elevated_role, has_mfa

# Paths a person must reach to set up MFA, sign out, or read public pages' assets.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/media/")


class RequireMfaForRolesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.session.get("mfa_ok")
        ):
            if has_mfa(user):
                request.session["mfa_ok"] = True
            elif has_elevated_role(user):
                messages.warning(
                    request,
                    _(
                        "You organize, coach or administer in this network, so your account "
                        "needs a second factor. Set up an authenticator app to continue."
                    ),
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class KeepRolesInSessionMiddleware:
    """Answers `has_mfa` and `organizer_chapter_ids` from the session while the person's
    roles version is unchanged, and keeps what a request had to ask (members/roles.py).
    Runs right after AuthenticationMiddleware, inside SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        version = roles.restore(request)
        response = self.get_response(request)
        roles.remember(request, version)
        return response
