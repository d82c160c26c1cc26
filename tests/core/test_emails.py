import pytest
from django.core import mail
from django.utils import translation

from core.emails import enqueue_email, render_email
from tests.tasks import run_queued_tasks


@pytest.mark.django_db
def test_emails_are_queued_and_sent_by_the_worker():
    enqueue_email("someone@example.org", "test_message", {"name": "Sam"})
    assert mail.outbox == []
    assert run_queued_tasks() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@example.org"]
    assert "Hello Sam" in mail.outbox[0].body


def test_emails_render_in_the_recipients_language_without_changing_the_current_one():
    with translation.override("en"):
        render_email("test_message", {"name": "Sam"}, "de")
        assert translation.get_language() == "en"
