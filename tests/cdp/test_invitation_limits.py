"""Invitations to co-apply are no relay: no text typed by the applicant in the email, at most
RATE_LIMITS["invitation_*"] per recipient, client address and account per day."""

import pytest
from django.core import mail
from django.urls import reverse

from cdp.models import Application, ApplicationInvitation
from tests import factories
from tests.factories import make_place
from tests.cdp.test_apply import URL, _data
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

PHISH = "Your account is locked: verify at evil.example/login"


@pytest.fixture
def zembla(db):
    return make_place("Zembla")


def _apply(client, invited, address="203.0.113.7", **extra):
    return client.post(URL, _data(action="submit", invited_emails="\n".join(invited), **extra),
                       REMOTE_ADDR=address)


def _invitations_to(address):
    run_queued_tasks()
    return [m for m in mail.outbox if m.to == [address] and "co-apply" in m.subject]


def test_the_invitation_carries_no_text_the_applicant_typed(applicant, as_user, zembla):
    applicant.display_name = PHISH
    applicant.save()
    # (a proposed name cannot hold ":", but dots and slashes are allowed)
    response = _apply(as_user(applicant), ["friend@example.org"],
                      proposed_name="Account locked verify at evil.example/login", why=PHISH)
    assert response.status_code == 302
    [message] = _invitations_to("friend@example.org")
    assert "evil.example" not in message.subject + message.body
    assert "locked" not in message.subject + message.body
    application = Application.objects.get()
    assert f"/program/applications/{application.pk}/" in message.body


def test_an_address_gets_at_most_three_invitations_a_day(as_user, zembla):
    for i in range(4):
        person = factories.make_user(f"applicant{i}@example.org")
        response = _apply(as_user(person), ["target@example.org"], address=f"198.51.100.{i}")
        assert response.status_code == 302
    assert len(_invitations_to("target@example.org")) == 3
    # Each invitation holds all the same: signed in with that address, she sees all four.
    assert ApplicationInvitation.objects.filter(email="target@example.org").count() == 4


def test_an_account_invites_at_most_twenty_people_a_day(applicant, as_user, zembla):
    client = as_user(applicant)
    assert _apply(client, [f"a{i}@example.org" for i in range(15)]).status_code == 302
    response = _apply(client, [f"b{i}@example.org" for i in range(6)], proposed_name="TWC Two")
    assert response.status_code == 400
    html = response.content.decode()
    assert "You can invite 5 more people today." in html
    assert "b5@example.org" in html  # what was typed is kept
    assert Application.objects.count() == 1  # nothing of the refused one is saved
    assert _apply(client, [f"b{i}@example.org" for i in range(5)]).status_code == 302
    run_queued_tasks()
    assert sum("co-apply" in m.subject for m in mail.outbox) == 20


def test_one_client_address_sends_at_most_forty_invitations_a_day(as_user, zembla):
    for i in range(3):
        person = factories.make_user(f"applicant{i}@example.org")
        _apply(as_user(person), [f"p{i}-{j}@example.org" for j in range(15)])
    run_queued_tasks()
    assert sum("co-apply" in m.subject for m in mail.outbox) == 40


def test_the_detail_page_still_lists_who_was_invited(applicant, as_user, zembla):
    client = as_user(applicant)
    _apply(client, ["friend@example.org"])
    application = Application.objects.get()
    html = client.get(reverse("cdp:detail", args=[application.pk])).content.decode()
    assert "friend@example.org" in html
