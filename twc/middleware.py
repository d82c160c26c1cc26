"""Response headers that Django does not set itself."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class CrossOriginPolicyMiddleware:
    """Adds Permissions-Policy and cross-origin isolation headers to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # The public API and embed are meant for other sites; everything else stays ours.
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Embedder-Policy", "require-corp")
        return response


class ShortSessionsForSecondFactorMiddleware:
    """Shortens the sign-in of people with a second factor (everyone who organizes, coaches or
    administers) to ELEVATED_SESSION_AGE seconds, counted from the last change to the session.

    It acts once, on the request where RequireMfaForRolesMiddleware (which runs after it)
    first marks the session `mfa_ok`; that request saves the session anyway, so this adds no
    query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get("mfa_ok")
            and session.get("_session_expiry") is None
        ):
            session.set_expiry(settings.ELEVATED_SESSION_AGE)
        return response


class PrivatePagesNoStoreMiddleware:
    """Pages for a signed-in person, and the secret-link registration pages, may hold member
    lists, emails or a venue: no shared cache or browser history keeps a copy."""

    PRIVATE_PREFIXES = ("/sessions/r/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if "Cache-Control" not in response and (
            signed_in or request.path.startswith(self.PRIVATE_PREFIXES)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
