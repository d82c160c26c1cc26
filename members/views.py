from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import has_mfa


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """A person's own page: what the network holds about them, and nobody else's."""
    memberships = request.user.memberships.select_related("chapter").order_by("chapter__name")
    return render(
        request, "members/me.html",
        {"memberships": memberships, "has_mfa": has_mfa(request.user)},
    )
