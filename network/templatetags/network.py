"""Template tags other apps' pages use to show the desk's parts (a dormant chapter's page)."""

from django import template

register = template.Library()


@register.inclusion_tag("network/tags/revive_offer.html")
def revive_offer(chapter, compact=False):
    """"Revive this chapter" on a dormant chapter's page and search results (no query)."""
    return {"chapter": chapter, "compact": compact,
            "offered": chapter.status == "dormant" and chapter.is_listed}
