"""The onboarding emails: what a registration's email says, in which language, and under
which key it is sent at most once. The transitions (`services.py`) and the reminders
(`tasks.py`) both send through `email_registration`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse

from core.emails import enqueue_email, recipient_language
from core.locale import zone
from members.models import User

from .models import Registration
from .times import format_span


def email_language(registration: Registration) -> str:
    """The person's saved language if they have an account, else the session's language."""
    saved = getattr(registration, "account_language", None)  # read with the registration
    return recipient_language(registration.user, email=registration.email, saved=saved,
                              fallback=registration.session.language)


def _context(registration: Registration, *, private: bool = False,
             language: str | None = None) -> dict:
    session = registration.session
    context = {
        "name": registration.name,
        "title": session.title,
        "chapter": session.chapter.name,
        # "Mon 7 Dec, 19:00–20:30 CET" in the chapter's zone and the recipient's language.
        "starts": format_span(session.starts_at, session.ends_at,
                              zone(session.chapter.timezone) or dt.UTC, language),
        "link": settings.SITE_URL + reverse("onboarding:registration", args=[registration.token]),
        "code": registration.code,
    }
    if private and registration.sees_private_details:
        context["venue_address"] = session.venue_address
        context["call_link"] = session.call_link
    return context


def email_registration(registration: Registration, template: str, *, private: bool = False,
                       occasion: str = "", **extra) -> None:
    """Queue one of the onboarding emails; `occasion` tells apart the times one template
    may go to one registration (each confirmation request, each planned start)."""
    key = f"registration:{registration.pk}" + (f":{occasion}" if occasion else "")
    language = email_language(registration)
    enqueue_email(
        registration.email, f"onboarding/{template}",
        {**_context(registration, private=private, language=language), **extra},
        language, key=key,
    )


def account_language() -> Coalesce:
    """The saved language `_language` reads, as a column of the registration's own query
    (`.annotate(account_language=account_language())`): of its account, else of the
    account with its address. Loops that email many people then make no query per person
    (the session's lock is held meanwhile). No account at all reads as "" (none saved),
    not NULL, which `email_language` would take for "not read" and ask again."""
    of_user = User.objects.filter(pk=OuterRef("user_id")).values("preferred_language")[:1]
    of_address = (User.objects.alias(email_lower=Lower("email"))
                  .filter(email_lower=Lower(OuterRef("email"))).values("preferred_language")[:1])
    return Coalesce(Subquery(of_user), Subquery(of_address), Value(""))
