"""Emails go out as background tasks, rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


def render_email(template: str, context: dict, language: str = "") -> tuple[str, str]:
    """Render templates/emails/<template>_subject.txt and _body.txt in that language."""
    context = {"NETWORK_NAME": settings.NETWORK_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    return " ".join(subject.split()), body


@task
def send_email(to: list[str], template: str, context: dict, language: str = "") -> None:
    subject, body = render_email(template, context, language)
    EmailMessage(subject, body, to=to).send()


def enqueue_email(to: str | list[str], template: str, context: dict, language: str = "") -> None:
    """Queue an email; the task worker (`manage.py db_worker`) sends it.

    The context must be JSON-serializable: pass strings and numbers, not model instances.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if recipients:
        send_email.enqueue(recipients, template, context, language)
