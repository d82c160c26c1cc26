"""Template tags other apps' pages use to show program parts (/me/)."""

from django import template

register = template.Library()


@register.inclusion_tag("cdp/tags/my_applications.html", takes_context=True)
def my_applications(context, user):
    """A person's own applications to start a chapter, for /me/."""
    return {"applications": [], "request": context.get("request")}
