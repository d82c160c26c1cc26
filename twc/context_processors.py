from django.conf import settings
from django.http import HttpRequest


def network(request: HttpRequest) -> dict:
    """The network's name, from configuration, for every template."""
    return {
        "NETWORK_NAME": settings.NETWORK_NAME,
        "NETWORK_SHORT_NAME": settings.NETWORK_SHORT_NAME,
    }
