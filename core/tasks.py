"""The platform's periodic work: forgetting old entries of the email ledger."""

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
