"""Template tags other apps' pages use to show program parts (/me/)."""

from django import template
from django.db.models import Q

from cdp.models import Application

register = template.Library()


@register.inclusion_tag("cdp/tags/my_applications.html", takes_context=True)
def my_applications(context, user):
    """A person's own applications to start a chapter, for /me/ (one query)."""
    applications = []
    if user.is_authenticated:
        applications = list(
            Application.objects.filter(
                Q(applicationapplicant__user=user) | Q(invitations__email=user.email.lower())
            ).distinct().order_by("-created_at")[:20]
        )
    return {"applications": applications, "request": context.get("request")}
