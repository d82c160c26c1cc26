"""Template tags other apps' pages use to show onboarding parts (chapter page, /me/)."""

from django import template

register = template.Library()


@register.inclusion_tag("onboarding/tags/chapter_sessions.html", takes_context=True)
def chapter_sessions(context, chapter):
    """The chapter's next onboarding sessions."""
    return {"chapter": chapter, "sessions": [], "request": context.get("request")}


@register.inclusion_tag("onboarding/tags/my_registrations.html", takes_context=True)
def my_registrations(context, user):
    """A person's own session registrations, for /me/."""
    return {"registrations": [], "request": context.get("request")}
