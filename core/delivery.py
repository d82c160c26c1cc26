"""At most one email per recipient, template and object: the ledger behind every email task.

A task can run twice: a worker killed mid-task leaves its row RUNNING and recovery
(`core.workers`) runs it again; a task that queues emails (a reminder, a digest) may be
retried after it queued some. So each email carries an *object key* naming the event it
tells about (`registration:42`, `application:7:event:19`), and `deliver_once()` sends it
only if the ledger (`EmailDelivery`) has not recorded it as sent. The order of writes:

1. **Record** (own transaction, committed): the row exists, status `sending`, attempts+1.
2. **Mark, then send**, in a second transaction that holds the row's lock
   (`SELECT ... FOR UPDATE`, so a concurrent run of the same email waits and then finds it
   sent): the row is set `sent` first, uncommitted, then the message goes out.
3. **Commit**, the moment the send returns.

A send that raises rolls the mark back: the row stays `sending` and the retry sends. A
worker killed before the commit leaves the row `sending` and unlocked: the retry sends
again, so nothing is skipped. A worker killed after the commit leaves a `sent` row: the
retry sends nothing. What remains is the moment between the mail server accepting the
message (its reply to DATA) and our COMMIT reaching the database's socket: nothing runs
there but the return from `send()` (the mark was written before it, and the SMTP
connection's QUIT comes after the commit: `send_email` opens one connection per task). A
kill exactly there sends twice, and no protocol closes it without the receiving server's
help; that help is asked for: each email carries a Message-ID made from its ledger row
(`message_id()`), the same on every attempt, so a receiver that drops duplicates by
Message-ID (as large mailbox providers do) shows it once. If the database connection is
lost while sending, the mark is written again on a new connection for up to
`MARK_RETRY_SECONDS` rather than leaving a sent email unmarked; lost before the send, the
email is tried again on a new connection for as long, rather than failing its task unsent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import DatabaseError, connection, transaction
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


def message_id(row: EmailDelivery) -> str:
    """The Message-ID of this ledger row's email: the same on every attempt."""
    domain = urlsplit(settings.SITE_URL).hostname or DNS_NAME.get_fqdn()
    return f"<email-{row.pk}.{row.recipient_digest[:16]}@{domain}>"


def deliver_once(recipient: str, template: str, object_key: str,
                 send: Callable[[], object] | EmailMessage, via=None) -> bool:
    """Send this email unless it was sent already; return whether it was sent now.

    `send` is the message (its Message-ID is set from the ledger row, see `message_id()`),
    sent through the open mailer connection `via` if given, or a callable that sends it.

    A database error before the send (the connection cut, or a pooler's notice of a dead
    server read as a second result of BEGIN) is tried again on a new connection for up to
    `MARK_RETRY_SECONDS`, unless a caller's transaction holds the connection: nothing went
    out, and the ledger keeps the retry from sending what another run sent meanwhile.
    Failing the task instead would leave the email never sent.
    """
    deadline = time.monotonic() + MARK_RETRY_SECONDS
    delay = 0.2
    while True:
        try:
            return _deliver_once(recipient, template, object_key, send, via)
        except DatabaseError:
            # Only errors before the send come out of _deliver_once (after it, the mark is
            # written again there).
            if connection.in_atomic_block or time.monotonic() + delay > deadline:
                raise
            logger.warning("email delivery for %s failed before the send; trying again",
                           template, exc_info=True)
            connection.close()
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def _deliver_once(recipient: str, template: str, object_key: str,
                  send: Callable[[], object] | EmailMessage, via=None) -> bool:
    lookup = {"recipient_digest": recipient_digest(recipient), "template": template,
              "object_key": object_key[:200]}
    # 1. Record.
    with transaction.atomic():
        row, _created = EmailDelivery.objects.get_or_create(**lookup)
        if row.status == EmailDeliveryStatus.SENT:
            return False
        EmailDelivery.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    if isinstance(send, EmailMessage):
        message = send
        message.extra_headers["Message-ID"] = message_id(row)
        send = (lambda: via.send_messages([message])) if via is not None else message.send
    sent = False
    try:
        with transaction.atomic():
            # 2. Mark, then send, holding the row: a second run of this email waits here.
            locked = EmailDelivery.objects.select_for_update().get(pk=row.pk)
            if locked.status == EmailDeliveryStatus.SENT:
                return False
            EmailDelivery.objects.filter(pk=row.pk).update(
                status=EmailDeliveryStatus.SENT, sent_at=timezone.now())
            send()
            sent = True
            # 3. Commit: leaving this block, nothing else in between.
    except DatabaseError:
        # The commit failed after the send: whatever the error (a lost connection, or a
        # pooler's notice of a dead server read as a second result of COMMIT), the email
        # went out, so the mark is written again rather than left for a resend.
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
