from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .enums import DEFAULT_LISTED_STATUSES
from .models import Chapter


def home(request: HttpRequest) -> HttpResponse:
    """The front door: one search box, the Global chapter, the way to start a chapter."""
    return render(request, "chapters/home.html")


def directory(request: HttpRequest) -> HttpResponse:
    chapters = Chapter.objects.listed().filter(status__in=DEFAULT_LISTED_STATUSES)
    return render(request, "chapters/directory.html", {"chapters": chapters})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_object_or_404(Chapter.objects.listed(), slug=slug)
    return render(request, "chapters/detail.html", {"chapter": chapter})
