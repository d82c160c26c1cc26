"""Template tags other apps' pages use to show program parts (/me/)."""

from django import template

from cdp.permissions import applications_of

register = template.Library()


@register.inclusion_tag("cdp/tags/my_applications.html", takes_context=True)
def my_applications(context, user):
    """A person's own applications to start a chapter, for /me/ (one query)."""
    applications = []
    if user.is_authenticated:
        applications = list(applications_of(user).order_by("-created_at")[:20])
    return {"applications": applications, "request": context.get("request")}
