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


def join(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to join a chapter (the membership work fills this in)."""
    from django.shortcuts import get_object_or_404

    from chapters.models import Chapter

    chapter = get_object_or_404(Chapter.objects.listed(), slug=slug)
    return render(request, "members/join.html", {"chapter": chapter})
