"""Which language a person reads the app and their emails in.

The order, for a request: the person's choice on this device (the language cookie, set by
the switcher in the footer), then, for a signed-in person, the choice saved on their
profile (`User.preferred_language`), then the browser's Accept-Language, then English.
URLs are the same in every language.

For other apps:
- `core.emails.recipient_language(person)`: the language to write to someone in, e.g.
  `enqueue_email(user.email, "onboarding/reminder", context, recipient_language(user))`.
- Formatting in the viewer's language, `core/locale.py`, also as template filters in
  `{% load i18n_extras %}`:
  `{{ km|distance }}`, `{{ "it"|language_name }}`, `{{ "DE"|country_name }}`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from core.locale import supported


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, redirect to `next`), and for a signed-in person the
    choice is saved on their profile so their emails follow it."""
    response = django_set_language(request)
    language = supported(request.POST.get("language"))
    user = getattr(request, "user", None)
    if language and user is not None and user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


class PreferredLanguageMiddleware:
    """Use a signed-in person's saved language when this browser has made no choice.

    Runs after LocaleMiddleware (which has already read the cookie or Accept-Language)
    and AuthenticationMiddleware. A choice made on this device before signing in is
    saved on the profile when the profile has none yet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            saved = supported(user.preferred_language)
            if not cookie and saved:
                translation.activate(saved)
                request.LANGUAGE_CODE = saved
            elif cookie and not saved:
                user.preferred_language = cookie
                user.save(update_fields=["preferred_language"])
        return self.get_response(request)
