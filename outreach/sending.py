"""Sending a message: one email per delivery row, each marked sent in the transaction of
its send, so a worker killed mid-send resumes without skipping anyone and without
resending a row already marked.

How: the sender reads the next batch of unsent rows (ids only, in id order), opens one mail
connection for the batch, and for each row takes its lock with
`select_for_update(skip_locked=True)` (a row another worker holds, or that got marked
meanwhile, is skipped), sends, and marks it sent before the transaction commits. Killed,
the worker leaves at most the one row it was sending unmarked: that row goes again (a
mail server and a database cannot commit together), with the same Message-ID, so the
receiving server may drop the copy. Any number of senders can work on one message.
"""

from __future__ import annotations

import smtplib
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, mailers
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from onboarding.calendar import session_ics
from onboarding.models import OnboardingSession
from onboarding.times import format_local

from .models import Audience, Delivery, Message, MessageKind

BATCH = 200
UNSUBSCRIBE_SALT = "outreach.unsubscribe"
# Stands for each recipient's own link in a body rendered once per language.
_LINK_MARK = "\x1eUNSUBSCRIBE\x1e"


def unsubscribe_token(delivery_id: int) -> str:
    """A signed delivery id: no address in the URL, nothing to store, never expires."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(delivery_id))


def delivery_from_token(token: str) -> Delivery | None:
    try:
        pk = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Delivery.objects.select_related("message__chapter").filter(pk=pk).first()


def sender_address(chapter) -> str:
    """The network sends; the chapter is in the display name ("TWC Berlin via Tech Workers
    Coalition")."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    network = settings.NETWORK_NAME
    if chapter is None:
        return formataddr((network, address))
    return formataddr((f"{chapter.name} via {network}", address))


def _sessions(message: Message) -> list[OnboardingSession]:
    if message.kind == MessageKind.SESSION and message.session_id:
        return [message.session]
    if message.kind == MessageKind.DIGEST:
        ids = message.details.get("sessions", [])
        return list(OnboardingSession.objects.filter(pk__in=ids).select_related("chapter")
                    .order_by("starts_at"))
    return []


class Renderer:
    """Renders a message once per language and fills in each recipient's link."""

    def __init__(self, message: Message):
        self.message = message
        self.chapter = message.chapter
        self.sessions = _sessions(message)
        self.from_email = sender_address(self.chapter)
        host = settings.SITE_URL.split("://", 1)[-1].split("/")[0]
        self.host = host
        self.list_id = (f"<{self.chapter.slug}.{host}>" if self.chapter
                        else f"<network.{host}>")
        self.attachment = (session_ics(self.sessions[0]) if message.kind == MessageKind.SESSION
                           and self.sessions else None)
        self._by_language: dict[str, tuple[str, str]] = {}

    def _context(self) -> dict:
        m = self.message
        chapter = self.chapter
        return {
            "NETWORK_NAME": settings.NETWORK_NAME, "SITE_URL": settings.SITE_URL,
            "message": m, "kind": m.kind, "chapter": chapter.name if chapter else "",
            "chapter_url": settings.SITE_URL + chapter.get_absolute_url() if chapter else "",
            "audience": m.audience if m.kind == MessageKind.ANNOUNCEMENT else "followers",
            "sessions": [
                {"title": s.title, "chapter": s.chapter.name,
                 "starts": format_local(s.starts_at, s.chapter.timezone),
                 "url": settings.SITE_URL + reverse("onboarding:detail", args=[s.pk])}
                for s in self.sessions],
            "unsubscribe_url": _LINK_MARK,
            "manage_url": settings.SITE_URL + reverse("members:me"),
            "registrants": m.audience == Audience.REGISTRANTS,
        }

    def rendered(self, language: str) -> tuple[str, str]:
        if language not in self._by_language:
            with translation.override(language or settings.LANGUAGE_CODE):
                context = self._context()
                subject = render_to_string(f"emails/outreach/{self.message.kind}_subject.txt",
                                           context)
                body = render_to_string(f"emails/outreach/{self.message.kind}_body.txt",
                                        context)
            self._by_language[language] = (" ".join(subject.split()), body)
        return self._by_language[language]

    def email(self, delivery_id: int, address: str, language: str) -> EmailMessage:
        subject, body = self.rendered(language)
        link = settings.SITE_URL + reverse("outreach:unsubscribe",
                                           args=[unsubscribe_token(delivery_id)])
        email = EmailMessage(
            subject, body.replace(_LINK_MARK, link), from_email=self.from_email, to=[address],
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": self.list_id,
                "Message-ID": f"<outreach-{self.message.pk}-{delivery_id}@{self.host}>",
            })
        if self.attachment is not None:
            email.attach("session.ics", self.attachment, "text/calendar")
        return email


def deliver(message_id: int, *, batch: int = BATCH) -> int:
    """Send every unsent delivery of a message; return how many this call sent."""
    message = (Message.objects.select_related("chapter", "session__chapter")
               .filter(pk=message_id, sent_at__isnull=False).first())
    if message is None:
        return 0
    renderer = Renderer(message)
    relaxed = _relax_commits()
    try:
        return _deliver(message_id, renderer, batch)
    finally:
        if relaxed:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _relax_commits() -> bool:
    """One commit per recipient: on PostgreSQL, do not wait for each to reach the disk.

    A killed worker loses nothing this way (the server has the commit); only a crash of
    the database server itself could forget the last moment's marks, and those few rows
    would be sent again. Without it each email waits for a disk flush (about 15 ms on a
    busy machine: 60 emails a second instead of hundreds).
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    return True


def _deliver(message_id: int, renderer: Renderer, batch: int) -> int:
    sent, after = 0, 0
    while True:
        rows = list(Delivery.objects.filter(message_id=message_id, sent_at__isnull=True,
                                            pk__gt=after)
                    .order_by("pk").values_list("pk", "email", "language")[:batch])
        if not rows:
            break
        after = rows[-1][0]
        with mailers.default as connection:
            for pk, address, language in rows:
                with transaction.atomic():
                    mine = list(Delivery.objects.select_for_update(skip_locked=True)
                                .filter(pk=pk, sent_at__isnull=True).values_list("pk", flat=True))
                    if not mine:
                        continue  # another sender has it, or it went meanwhile
                    email = renderer.email(pk, address, language)
                    # Marked before the send, committed as it returns: nothing but the
                    # commit lies between the mail server accepting it and the mark (a
                    # send that raises rolls the mark back; see core.delivery).
                    Delivery.objects.filter(pk=pk).update(sent_at=timezone.now())
                    try:
                        connection.send_messages([email])
                    except smtplib.SMTPRecipientsRefused:
                        # This address only: the rest of the audience must not wait on it.
                        Delivery.objects.filter(pk=pk).update(refused=True)
                sent += 1
        Message.objects.filter(pk=message_id).update(progress_at=timezone.now())
    if not Delivery.objects.filter(message_id=message_id, sent_at__isnull=True).exists():
        Message.objects.filter(pk=message_id, finished_at__isnull=True).update(
            finished_at=timezone.now())
    return sent
