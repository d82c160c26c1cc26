"""Emails go out as background tasks, rendered in the recipient's language.

Every app writes to people the same way: `enqueue_email(address, template, context,
recipient_language(person), key=...)`. `recipient_language` is the one answer to "which
language do we write to this person in".

Each email is sent at most once per recipient, template and object key (`core.delivery`):
a task that runs again after its worker was killed, or a reminder queued twice, sends
nothing new. Callers pass `key`, naming the event the email tells about, e.g.
`registration:42` or `application:7:event:19`; without one, the key is the task's own id
(at most once per queued task).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from . import batch
from .delivery import deliver_once
from .locale import supported


def recipient_language(person=None, *, email: str = "", saved: str | None = None,
                       fallback: str = "") -> str:
    """The language to write to someone in: the one saved on their account (`person`, or
    the account with `email`, or `saved` when a list's query has read it already), else
    `fallback` (a session's language, say), else the site's default."""
    if saved is None:
        if person is None and email:
            person = (get_user_model().objects.with_email(email)
                      .only("preferred_language").first())
        saved = getattr(person, "preferred_language", "")
    return supported(saved or "") or supported(fallback) or settings.LANGUAGE_CODE


def render_email(template: str, context: dict, language: str = "") -> tuple[str, str]:
    """Render templates/emails/<template>_subject.txt and _body.txt in that language."""
    context = {"NETWORK_NAME": settings.NETWORK_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    return " ".join(subject.split()), body


@task(takes_context=True)
def send_email(context, to: list[str], template: str, data: dict, language: str = "",
               key: str = "") -> int:
    """Send one email to each recipient not yet sent it under this key; return how many.

    `context` is the task's (Django's tasks framework names it so); `data` the template's.
    """
    subject, body = render_email(template, data, language)
    key = key or f"task:{context.task_result.id}"
    sent = 0
    # One connection for the task: its closing (SMTP's QUIT) comes after each email's ledger
    # commit, not between the server's acceptance and it (core.delivery).
    with mailers.default as connection:
        for recipient in to:
            # One message per recipient: nobody sees who else got it.
            message = EmailMessage(subject, body, to=[recipient])
            sent += deliver_once(recipient, template, key, message, via=connection)
    return sent


# Task rows queued before the email task moved here from members name it by its old path.
EMAIL_TASK_PATHS = (send_email.module_path, "members.emails.send_email")


def enqueue_email(to: str | list[str], template: str, context: dict, language: str = "", *,
                  key: str = "") -> None:
    """Queue an email; the task worker (`manage.py db_worker`) sends it.

    The context must be JSON-serializable: pass strings and numbers, not model instances.
    `key` names the object or event the email is about (see the module docstring). Inside
    `core.batch.together()` the task row is written with the block's others.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if recipients:
        batch.enqueue(send_email, recipients, template, context, language, key)
