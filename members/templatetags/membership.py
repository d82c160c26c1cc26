"""Template tags other apps' pages use to show membership parts (chapter page, /me/)."""

from django import template

register = template.Library()


@register.inclusion_tag("members/tags/chapter_rules.html", takes_context=True)
def chapter_rules(context, chapter):
    """Who may join this chapter, in plain words, and the 'Ask to join' action."""
    return {"chapter": chapter, "request": context.get("request"), "user": context.get("user")}
