"""The sign-up form is no anonymous mail relay: confirmation emails to an address are
limited per address and per client address, through the shared cache, silently; and they
carry no text that someone else typed (the address has not confirmed it wants our mail)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from onboarding.models import Registration
from tests.factories import make_chapter
from tests.factories import make_registration, make_session
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

PHISH = "URGENT: your account is locked, verify at https://evil.example/login"


@pytest.fixture
def sessions(chapter_a):
    return [make_session(chapter_a, days=3 + i, title=f"Welcome {i}") for i in range(25)]


def _sign_up(client, session, email, name="Sam", address="203.0.113.7"):
    response = client.post(reverse("onboarding:detail", args=[session.pk]),
                           {"name": name, "email": email}, REMOTE_ADDR=address)
    page = client.get(response["Location"], REMOTE_ADDR=address)
    return response, page


def _visible(page) -> str:
    """The page a person sees, without the per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())


def _sent_to(address: str) -> int:
    run_queued_tasks()
    return sum(1 for message in mail.outbox if message.to == [address])


def test_the_fourth_sign_up_email_to_one_address_within_an_hour_is_not_sent(client, sessions):
    answers = [_sign_up(client, session, "victim@example.org") for session in sessions[:4]]
    assert _sent_to("victim@example.org") == 3
    # The fourth answer is the one a successful sign-up gets: same status, same page.
    (first, first_page), (fourth, fourth_page) = answers[0], answers[3]
    assert fourth.status_code == first.status_code == 302
    assert fourth["Location"] == reverse("onboarding:check_email", args=[sessions[3].pk])
    assert fourth_page.status_code == first_page.status_code == 200
    assert _visible(fourth_page) == _visible(first_page).replace(
        f"/sessions/{sessions[0].pk}/", f"/sessions/{sessions[3].pk}/").replace(
        sessions[0].title, sessions[3].title)
    # The registration is there (a real person can confirm later by signing up again).
    assert Registration.objects.filter(email="victim@example.org").count() == 4


def test_the_limit_holds_per_address_whatever_the_client_address(client, sessions):
    for i, session in enumerate(sessions[:5]):
        _sign_up(client, session, "victim@example.org", address=f"198.51.100.{i}")
    assert _sent_to("victim@example.org") == 3


def test_one_client_address_sends_at_most_twenty_sign_up_emails_an_hour(client, sessions):
    for i, session in enumerate(sessions[:22]):
        _sign_up(client, session, f"person{i}@example.org")
    run_queued_tasks()
    assert len(mail.outbox) == 20
    # Another client is not held back by that one.
    _sign_up(client, sessions[22], "other@example.org", address="192.0.2.1")
    assert _sent_to("other@example.org") == 1


def test_an_ipv6_client_counts_by_its_network(client, sessions):
    for i, session in enumerate(sessions[:22]):
        _sign_up(client, session, f"person{i}@example.org", address=f"2001:db8::{i + 1:x}")
    run_queued_tasks()
    assert len(mail.outbox) == 20


def test_the_limit_is_shared_by_every_process_through_the_database_cache(client, sessions):
    from django.conf import settings
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    for session in sessions[:3]:
        _sign_up(client, session, "victim@example.org")
    # A second process has its own memory but reads the same cache table.
    caches["default"].close()
    from django.core.cache.backends.db import DatabaseCache

    other = DatabaseCache(settings.CACHES["default"]["LOCATION"], {})
    assert any(other.has_key(key) for key in _slot_keys("signup_email_address",
                                                         "victim@example.org"))
    _sign_up(client, sessions[3], "victim@example.org")
    assert _sent_to("victim@example.org") == 3


def _slot_keys(name, key):
    from core.ratelimit import _limit, _slots

    return _slots(_limit(name), key)


def test_the_confirmation_email_carries_no_name_or_title_typed_by_someone_else(client,
                                                                               chapter_a):
    session = make_session(chapter_a, title="Free gift card inside")
    _sign_up(client, session, "victim@example.org", name=PHISH)
    run_queued_tasks()
    [message] = mail.outbox
    assert "evil.example" not in message.subject + message.body
    assert "URGENT" not in message.subject + message.body
    assert "gift card" not in message.subject + message.body
    assert chapter_a.name in message.subject
    registration = Registration.objects.get()
    assert registration.token in message.body and registration.code in message.body


def test_a_cancelled_session_does_not_mail_addresses_that_never_confirmed(chapter_a, alice):
    from onboarding import services

    session = make_session(chapter_a)
    make_registration(session, "pending@example.org", status="pending", name=PHISH)
    make_registration(session, "confirmed@example.org")
    services.cancel_session(session, actor=alice, reason="Rain")
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [["confirmed@example.org"]]


def test_signed_in_people_with_a_verified_address_are_not_limited(sessions, carol):
    from tests.conftest import signed_in

    client = signed_in(carol)
    for session in sessions[:5]:
        client.post(reverse("onboarding:detail", args=[session.pk]),
                    {"name": "Carol", "email": carol.email})
    assert Registration.objects.filter(email=carol.email, status="confirmed").count() == 5


def test_another_chapter_has_no_bearing(sessions):
    """A limit keys on the recipient, not on the chapter or session."""
    other = make_session(make_chapter("gamma", name="TWC Gamma"))
    from onboarding import services

    for session in [*sessions[:3], other]:
        services.register(session, name="Sam", email="victim@example.org")
    assert _sent_to("victim@example.org") == 3
