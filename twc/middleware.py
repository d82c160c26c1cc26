"""Response headers that Django does not set itself."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
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


class NulByteInRequest(SuspiciousOperation):
    """A NUL byte in the path, query, form, cookies or headers: no browser sends one."""


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class RefuseNulBytesMiddleware:
    """Answers 400 to a request carrying a NUL byte in its path, query string, form fields,
    uploaded file names, cookies or headers, before any view, form or query sees it.

    PostgreSQL refuses NUL in text (a DataError, so a 500), and SQLite stores it. Django's
    form CharField already refuses NUL, but URL arguments (registration tokens), values
    views read from request.GET/POST directly, cookies (the session key is looked up in the
    database) and the forms of third-party apps are not all fields of our forms: one rule
    here covers every one of them, allauth's and the admin's included. File contents are
    not checked (a PDF may hold NUL bytes); their names are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            # Django answers a SuspiciousOperation with its 400 handler and logs it under
            # django.security.NulByteInRequest.
            raise NulByteInRequest("NUL byte in the request")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "\x00" in request.path_info:
            return True
        if _has_nul(request.GET.keys()) or _has_nul(
                v for values in request.GET.lists() for v in values[1]):
            return True
        if _has_nul(request.COOKIES.keys()) or _has_nul(request.COOKIES.values()):
            return True
        # Headers: allauth keeps a signed-in browser's user agent and address. gunicorn
        # refuses a NUL in a header itself; a different server in front might not.
        if _has_nul(value for key, value in request.META.items()
                    if key.startswith("HTTP_") and isinstance(value, str)):
            return True
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.content_type or ""
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                if _has_nul(request.POST.keys()) or _has_nul(
                        v for values in request.POST.lists() for v in values[1]):
                    return True
                if _has_nul(request.FILES.keys()) or _has_nul(
                        f.name or "" for files in request.FILES.lists() for f in files[1]):
                    return True
            elif content_type.endswith("json") and b"\\u0000" in request.body:
                return True
        return False
