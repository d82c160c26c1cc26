"""Accounts: a sign-up needs a verified address and no password; sign-in by an emailed code."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.models import User
from tests import factories
from tests.login_codes import code_from


@pytest.mark.django_db
def test_sign_up_needs_a_verified_email_and_no_password(client):
    response = client.post(reverse("account_signup"), {"email": "new@example.org"})
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert not user.has_usable_password()
    assert not EmailAddress.objects.get(user=user).verified
    # Not signed in until the address is verified.
    assert client.get(reverse("members:me")).status_code == 302
    code = code_from(mail.outbox[-1])
    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("members:me")).status_code == 200


@pytest.mark.django_db
def test_sign_in_by_emailed_code(client):
    factories.make_user("coder@example.org")
    response = client.post(reverse("account_request_login_code"), {"email": "coder@example.org"})
    assert response.status_code == 302
    code = code_from(mail.outbox[-1])
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("members:me")).status_code == 200


@pytest.mark.django_db
def test_wrong_login_code_does_not_sign_in(client):
    factories.make_user("coder@example.org")
    client.post(reverse("account_request_login_code"), {"email": "coder@example.org"})
    client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})
    assert client.get(reverse("members:me")).status_code == 302


@pytest.mark.django_db
def test_login_code_requests_are_rate_limited(client):
    factories.make_user("target@example.org")
    for _ in range(3):
        Client().post(reverse("account_request_login_code"), {"email": "target@example.org"})
    sent = len(mail.outbox)
    response = client.post(reverse("account_request_login_code"), {"email": "target@example.org"})
    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_a_login_code_stops_working_after_wrong_guesses(client):
    factories.make_user("target@example.org")
    client.post(reverse("account_request_login_code"), {"email": "target@example.org"})
    code = code_from(mail.outbox[-1])
    for _ in range(3):
        client.post(reverse("account_confirm_login_code"), {"code": "AAAA-AAAA"})
    client.post(reverse("account_confirm_login_code"), {"code": code})
    assert client.get(reverse("members:me")).status_code == 302
