"""Template tags other apps' pages use to show the desk's parts (a dormant chapter's page)."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def revive_offer(chapter, compact=False):
    """"Revive this chapter" on a dormant chapter's page and search results (no query).

    Nothing to render for any other chapter, so no template either: the tag is on every
    card of the directory."""
    if not (chapter.status == "dormant" and chapter.is_listed):
        return ""
    return render_to_string("network/tags/revive_offer.html",
                            {"chapter": chapter, "compact": compact, "offered": True})


@register.inclusion_tag("network/tags/my_desk.html")
def my_desk(user, memberships=None):
    """Where a person's tools at the Global chapter's desk are, for /me/. `memberships`:
    all of the person's memberships with their chapters, when the page has them already."""
    from .. import permissions as can

    if memberships is not None:
        can.know_memberships(user, memberships)
    return {
        "health": can.may_see_network_health(user),
        "help": can.may_use_help_desk(user) or can.may_volunteer(user),
        "library": can.may_use_library(user),
    }
