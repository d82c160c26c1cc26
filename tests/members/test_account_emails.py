"""allauth's account emails speak as the network, in the person's language, with plain
words: never "Hello from 127.0.0.1" or "user Member #14 has given your email address"."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.management.commands.dev import site_url
from tests import factories


@pytest.fixture
def public_address(settings):
    settings.SITE_URL = "https://chapters.example.org"
    settings.NETWORK_NAME = "Tech Workers Coalition"


def test_the_sign_in_code_email_names_the_network_not_the_host(db, public_address):
    factories.make_user("ada@example.org", display_name="Ada")
    Client().post(reverse("account_request_login_code"), {"email": "ada@example.org"})
    [message] = mail.outbox
    assert "sign-in code" in message.subject.lower()
    assert "Tech Workers Coalition" in message.body
    assert "https://chapters.example.org" in message.body
    assert "testserver" not in message.body and "Hello from" not in message.body


def test_the_sign_up_code_email_does_not_say_user_member(db, public_address):
    Client().post(reverse("account_signup"), {"email": "new@example.org"})
    [message] = mail.outbox
    assert "Member #" not in message.body and "user " not in message.body
    assert "Tech Workers Coalition" in message.body
    assert message.subject.endswith("Confirm your email address")


def test_a_person_gets_the_email_in_their_saved_language(db, public_address):
    factories.make_user("giulia@example.org", preferred_language="it")
    Client().post(reverse("account_request_login_code"), {"email": "giulia@example.org"},
                  HTTP_ACCEPT_LANGUAGE="en")
    [message] = mail.outbox
    # The signature is already in the Italian catalog (the rest waits in locale/pending/).
    assert "Elenco delle sezioni di Tech Workers Coalition." in message.body


def test_an_unknown_address_is_told_plainly(db, public_address, settings):
    settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
    Client().post(reverse("account_request_login_code"), {"email": "nobody@example.org"})
    [message] = mail.outbox
    assert "has no account with us" in message.body
    assert "you need no account" in message.body


@pytest.mark.parametrize(("addrport", "url"), [
    ("8101", "http://127.0.0.1:8101"),
    ("127.0.0.1:8101", "http://127.0.0.1:8101"),
    ("0.0.0.0:8000", "http://127.0.0.1:8000"),
    ("localhost:9000", "http://localhost:9000"),
])
def test_dev_sets_the_site_url_from_the_address_it_serves(addrport, url):
    assert site_url(addrport) == url
