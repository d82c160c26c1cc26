"""The platform's periodic work: forgetting old entries of the email ledger, and old
pages of the shared cache of public pages."""

import datetime as dt

from django.utils import timezone

from . import periodic
from .models import EmailDelivery, EmailDeliveryStatus

# A retry comes minutes after the send it repeats; a month is far beyond any of them.
LEDGER_KEEP = dt.timedelta(days=30)


@periodic.every("core.prune_email_ledger", dt.timedelta(days=1))
def prune_email_ledger() -> str:
    cutoff = timezone.now() - LEDGER_KEEP
    deleted, _ = EmailDelivery.objects.filter(status=EmailDeliveryStatus.SENT,
                                              sent_at__lt=cutoff).delete()
    return f"{deleted} deleted"


@periodic.every("core.cull_page_cache", dt.timedelta(hours=1))
def cull_page_cache() -> str:
    """Expired pages out of the shared cache, and the oldest share past its MAX_ENTRIES."""
    from django.core.cache import caches

    pages = caches["pages"]
    if not hasattr(pages, "cull"):
        return "not a database cache"
    return f"{pages.cull()} kept"
