from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def apply(request: HttpRequest) -> HttpResponse:
    """Apply to start a chapter (the Chapter Development Program work fills this in)."""
    return render(request, "cdp/apply.html")
