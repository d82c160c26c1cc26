from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def session_list(request: HttpRequest) -> HttpResponse:
    """Upcoming onboarding sessions across the network."""
    return render(request, "onboarding/session_list.html")
