"""A registration is named by the person who proved the address, not by whoever typed it
first: a stranger who signs up someone else's address cannot choose the name organizers see."""

from django.test import Client
from django.urls import reverse

from onboarding.models import Registration
from onboarding.models import RegistrationStatus as S
from tests import factories


def sign_up(client, session, *, name: str, email: str):
    return client.post(reverse("onboarding:detail", args=[session.pk]),
                       {"name": name, "email": email})


def test_owner_signing_in_later_renames_a_strangers_pending_sign_up(session_a, as_user):
    owner = factories.make_user("member@example.org", display_name="Sam")
    assert sign_up(Client(), session_a, name="Tester",
                   email="member@example.org").status_code == 302
    assert Registration.objects.get().name == "Tester"

    response = sign_up(as_user(owner), session_a, name="Sam", email="member@example.org")
    registration = Registration.objects.get()
    # One tap: back on the session's page, which says "You're going".
    assert response.url == reverse("onboarding:detail", args=[session_a.pk])
    assert registration.status == S.CONFIRMED and registration.user == owner
    assert registration.name == "Sam"
    # Organizers see the owner's name on the attendee list.
    organizer = factories.make_organizer(session_a.chapter, "org.names@example.org")
    page = as_user(organizer).get(reverse("onboarding:attendees", args=[session_a.pk]))
    assert b"Sam" in page.content and b"Tester" not in page.content


def test_an_unverified_second_sign_up_does_not_rename(session_a):
    sign_up(Client(), session_a, name="Rosa", email="rosa@example.org")
    sign_up(Client(), session_a, name="Tester", email="rosa@example.org")
    assert Registration.objects.get().name == "Rosa"


def test_owner_with_a_confirmed_place_may_correct_the_name(session_a, as_user):
    owner = factories.make_user("member@example.org", display_name="Sam")
    client = as_user(owner)
    sign_up(client, session_a, name="S.", email="member@example.org")
    sign_up(client, session_a, name="Sam", email="member@example.org")
    registration = Registration.objects.get()
    assert registration.status == S.CONFIRMED and registration.name == "Sam"
