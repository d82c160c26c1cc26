"""Template tags other apps' pages use to show onboarding parts (chapter page, /me/)."""

from django import template
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core import pagecache
from core.locale import viewer_zone
from core.privacy import verified_addresses_sql

from .. import permissions as session_permissions
from ..models import OnboardingSession, Registration
from ..times import annotate_times

register = template.Library()

NEXT_SESSIONS = 3


@register.inclusion_tag("onboarding/tags/chapter_sessions.html", takes_context=True)
def chapter_sessions(context, chapter):
    """The chapter's next onboarding sessions: public fields only, one query."""
    request = context.get("request")
    pagecache.depends_on(pagecache.SESSIONS)
    sessions = list(
        OnboardingSession.objects.filter(chapter=chapter).upcoming().with_taken()
        .order_by("starts_at", "pk")[:NEXT_SESSIONS]
    )
    for session in sessions:
        session.chapter = chapter
    # A session leaves the list when it ends; its "Sign up" goes when registration closes.
    moments = [moment for session in sessions for moment in (session.ends_at, session.closes_at)
               if moment > timezone.now()]
    if moments:
        pagecache.depends_on(until=min(moments))
    zone = viewer_zone(request) if request is not None else None
    annotate_times(sessions, zone)
    user = getattr(request, "user", None)
    return {
        "chapter": chapter, "sessions": sessions, "request": request,
        "has_viewer_zone": zone is not None,
        "may_manage": session_permissions.may_manage_sessions(user, chapter) if user else False,
    }


def registrations_of(user):
    """A person's registrations: linked to them, or made with one of their verified emails.

    Two indexed lookups joined by UNION: an OR across the two columns made PostgreSQL walk
    every session in start order (4 s a call with 200,000 sessions). Written as SQL (the
    address on `registration_email_lower_idx`): the same as querysets and a subquery cost
    more to build and compile than the lookups take to run.
    """
    quote = connection.ops.quote_name
    table = quote(Registration._meta.db_table)
    verified, verified_params = verified_addresses_sql(user)
    ids = RawSQL(
        f"SELECT {quote('id')} FROM {table} WHERE {quote('user_id')} = %s"
        f" UNION SELECT {quote('id')} FROM {table} WHERE LOWER({quote('email')}) IN"
        f" ({verified})", [user.pk, *verified_params])
    return Registration.objects.filter(pk__in=ids).select_related("session__chapter")


@register.inclusion_tag("onboarding/tags/my_registrations.html", takes_context=True)
def my_registrations(context, user):
    """A person's own session registrations, for /me/."""
    registrations = list(registrations_of(user).order_by("-session__starts_at")[:50])
    annotate_times([r.session for r in registrations], None)
    return {"registrations": registrations, "request": context.get("request")}
