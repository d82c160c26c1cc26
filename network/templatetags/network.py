"""Template tags other apps' pages use to show the desk's parts (a dormant chapter's page)."""

from django import template

register = template.Library()


@register.inclusion_tag("network/tags/revive_offer.html")
def revive_offer(chapter, compact=False):
    """"Revive this chapter" on a dormant chapter's page and search results (no query)."""
    return {"chapter": chapter, "compact": compact,
            "offered": chapter.status == "dormant" and chapter.is_listed}


@register.inclusion_tag("network/tags/my_desk.html")
def my_desk(user):
    """Where a person's tools at the Global chapter's desk are, for /me/."""
    from .. import permissions as can

    return {
        "health": can.may_see_network_health(user),
        "help": can.may_use_help_desk(user) or can.may_volunteer(user),
        "library": can.may_use_library(user),
    }
