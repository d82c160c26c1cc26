"""At most one email per recipient, template and object: the ledger behind every email task.

A task can run twice: a worker killed mid-task leaves its row RUNNING and recovery
(`core.workers`) runs it again; a task that queues emails (a reminder, a digest) may be
retried after it queued some. So each email carries an *object key* naming the event it
tells about (`registration:42`, `application:7:event:19`), and `deliver_once()` sends it
only if the ledger (`EmailDelivery`) has not recorded it as sent. The order of writes:

1. **Record** (own transaction, committed): the row exists, status `sending`, attempts+1.
2. **Send** while holding the row's lock (`SELECT ... FOR UPDATE`) in a second transaction,
   so a concurrent run of the same email waits and then finds it sent.
3. **Mark** `sent` in that same transaction, and commit.

A worker killed before step 3 commits leaves the row `sending` and unlocked: the retry sends
again, so nothing is skipped. A worker killed after the commit leaves a `sent` row: the retry
sends nothing. What remains is the window SMTP leaves between the server accepting the
message (its reply to DATA) and our COMMIT, a few milliseconds: a kill exactly there sends
twice. No protocol closes it without the receiving server's help; we keep it as short as
possible (nothing runs between the two). If the database connection is lost while sending,
the mark is written again on a new connection for up to `MARK_RETRY_SECONDS` rather than
leaving a sent email unmarked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import EmailDelivery, EmailDeliveryStatus

logger = logging.getLogger(__name__)

MARK_RETRY_SECONDS = 30.0


def recipient_digest(address: str, secret: str | None = None) -> str:
    """A keyed hash of an address (the ledger never holds the address itself)."""
    return salted_hmac("core.EmailDelivery.recipient", address.strip().lower(),
                       secret=secret, algorithm="sha256").hexdigest()


def deliveries_of(addresses: Iterable[str]):
    """The ledger's rows for these addresses, also those hashed under a former SECRET_KEY
    (SECRET_KEY_FALLBACKS), so an erasure after a key rotation misses none."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return EmailDelivery.objects.filter(recipient_digest__in=[
        recipient_digest(a, secret) for a in addresses if a for secret in secrets])


def deliver_once(recipient: str, template: str, object_key: str,
                 send: Callable[[], object]) -> bool:
    """Call `send()` unless this email was sent already; return whether it was sent now."""
    lookup = {"recipient_digest": recipient_digest(recipient), "template": template,
              "object_key": object_key[:200]}
    # 1. Record.
    with transaction.atomic():
        row, _created = EmailDelivery.objects.get_or_create(**lookup)
        if row.status == EmailDeliveryStatus.SENT:
            return False
        EmailDelivery.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    sent = False
    try:
        with transaction.atomic():
            # 2. Send, holding the row: a second run of this email waits here.
            locked = EmailDelivery.objects.select_for_update().get(pk=row.pk)
            if locked.status == EmailDeliveryStatus.SENT:
                return False
            send()
            sent = True
            # 3. Mark, committed with the lock's release.
            EmailDelivery.objects.filter(pk=row.pk).update(
                status=EmailDeliveryStatus.SENT, sent_at=timezone.now())
    except (OperationalError, InterfaceError):
        if not sent:
            raise
        _mark_sent_after_reconnect(row.pk)
    return True


def _mark_sent_after_reconnect(pk: int) -> None:
    """The email went out but the database dropped before the mark: write it again."""
    deadline = time.monotonic() + MARK_RETRY_SECONDS
    delay = 0.2
    while True:
        try:
            if not connection.in_atomic_block:
                connection.close()
            EmailDelivery.objects.filter(pk=pk).update(
                status=EmailDeliveryStatus.SENT, sent_at=timezone.now())
            logger.warning("email delivery %s marked sent after a lost connection", pk)
            return
        except DatabaseError:
            if time.monotonic() + delay > deadline:
                logger.error("email delivery %s was sent but could not be marked", pk)
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
