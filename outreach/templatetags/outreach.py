"""Template tags other apps' pages use to show outreach parts (chapter page, /me/, the
directory's "no chapter near" answer)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core import pagecache
from core.pagination import MAX_ID
from core.privacy import verified_addresses_sql
from members.enums import MembershipStatus
from members.models import Membership

from .. import permissions as outreach_permissions
from ..apps import ANNOUNCEMENTS
from ..forms import ChoiceForm
from ..models import MEMBER_DEFAULT_CHOICE, Follow, FollowChoice, PlaceWatch
from ..services import follower_count
from ..views import current_choice, public_announcements

register = template.Library()

LATEST = 3


@register.inclusion_tag("outreach/tags/chapter_follow.html", takes_context=True)
def chapter_follow(context, chapter):
    """Follow this chapter, its latest public announcements, and for its organizers the
    number of followers (never who)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    pagecache.depends_on(ANNOUNCEMENTS)
    return {
        "chapter": chapter, "request": request, "signed_in": signed_in,
        "takes_newcomers": chapter.takes_newcomers,
        "announcements": list(public_announcements(chapter)[:LATEST]),
        "current": current_choice(user, chapter) if signed_in else None,
        "may_announce": outreach_permissions.may_send_announcements(user, chapter) if signed_in else False,
        "followers": (follower_count(chapter)
                      if signed_in and outreach_permissions.may_see_follower_count(user, chapter)
                      else None),
    }


def _of_person(model, user):
    """A person's follows or watches: linked to their account, or under their address or one
    of their verified ones (addresses are stored lower-cased). Indexed lookups joined by
    UNION: an OR across the columns reads the whole table (as it made /me/'s registrations
    take 4 s at a million people). Written as SQL: the same three querysets and their
    subquery cost more to build and compile than the lookups take to run."""
    quote = connection.ops.quote_name
    table, pk, email = quote(model._meta.db_table), quote("id"), quote("email")
    verified, verified_params = verified_addresses_sql(user)
    ids = RawSQL(
        f"SELECT {pk} FROM {table} WHERE {quote('user_id')} = %s"
        f" UNION SELECT {pk} FROM {table} WHERE {email} IN ({verified})"
        f" UNION SELECT {pk} FROM {table} WHERE {email} = %s",
        [user.pk, *verified_params, user.email.lower()])
    return model.objects.filter(pk__in=ids)


@lru_cache(maxsize=64)
def _choice_form_with_stand_in(language: str | None, choice: str) -> tuple[str, str]:
    """The choice form rendered once per language and choice, for a stand-in chapter id,
    and that id's prefix: the widget templates cost more than the rest of /me/'s block."""
    prefix = f"id_follow_{MAX_ID}_"
    return str(ChoiceForm(initial={"choice": choice}, auto_id=prefix + "%s")), prefix


def choice_form(chapter_pk: int, choice: str) -> SafeString:
    """A chapter's choice form on /me/ as `ChoiceForm` renders it (ids made from the
    chapter's id); only the integer id is put into Django's own rendering."""
    html, prefix = _choice_form_with_stand_in(get_language(), str(choice))
    return mark_safe(html.replace(prefix, f"id_follow_{int(chapter_pk)}_"))


@register.inclusion_tag("outreach/tags/my_follows.html", takes_context=True)
def my_follows(context, user, memberships=None):
    """What a person follows, with a choice per chapter: their follows (by account or a
    verified address) and the chapters they follow as members by default. `memberships`:
    the person's memberships with their chapters in name order, when the page has them
    already (/me/), instead of a query."""
    follows = list(_of_person(Follow, user).filter(chapter__isnull=False).confirmed()
                   .select_related("chapter").order_by("chapter__name"))
    followed = {f.chapter_id for f in follows}
    rows = [(f.chapter, f.choice, False) for f in follows]
    if memberships is None:
        memberships = (Membership.objects.active().filter(user=user)
                       .exclude(chapter_id__in=followed).select_related("chapter")
                       .order_by("chapter__name"))
    for membership in memberships:
        if (membership.user_id == user.pk and membership.status == MembershipStatus.ACTIVE
                and membership.chapter_id not in followed):
            rows.append((membership.chapter, MEMBER_DEFAULT_CHOICE, True))
    rows.sort(key=lambda row: row[0].name)
    items = [{"chapter": chapter, "choice": choice, "as_member": as_member,
              "form": choice_form(chapter.pk, choice)}
             for chapter, choice, as_member in rows]
    watches = list(_of_person(PlaceWatch, user).filter(confirmed_at__isnull=False)
                   .order_by("created_at"))
    return {"items": items, "watches": watches, "request": context.get("request"),
            "off": FollowChoice.OFF.value,
            "may_announce_network": outreach_permissions.may_send_network_announcements(user)}


@register.inclusion_tag("outreach/tags/watch_link.html")
def watch_link(results, target="_self"):
    """On the directory's "no chapter within 100 km": ask to be told when one starts."""
    return {"place": getattr(results, "place", None), "point": getattr(results, "point", None),
            "target": target}
