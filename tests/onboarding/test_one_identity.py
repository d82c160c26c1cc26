"""One identity from the first sign-up to membership: confirming a sign-up by the emailed
link (or code) signs the person in, a signed-in person signs up in one tap and sees their
place, and a session shows how many are going, never who."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import User
from onboarding.models import Registration
from onboarding.models import RegistrationStatus as S
from tests import factories
from tests.factories import make_registration, make_session


def _sign_up(client, session, email="rosa@example.org", name="Rosa"):
    return client.post(reverse("onboarding:detail", args=[session.pk]),
                       {"name": name, "email": email})


def _confirm_by_link(client, registration):
    return client.post(reverse("onboarding:registration_confirm", args=[registration.token]))


def _signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_confirming_by_the_link_creates_a_verified_account_and_signs_in(client, session_a):
    _sign_up(client, session_a, email="Rosa@Example.org")
    registration = Registration.objects.get()
    stranger = Client()  # the link opened in another browser: the inbox is what proves it
    response = _confirm_by_link(stranger, registration)
    assert response.status_code == 302
    assert response.url == reverse("onboarding:registration", args=[registration.token])
    user = _signed_in_as(stranger)
    assert user is not None and user.email == "rosa@example.org"
    assert user.display_name == "Rosa"  # the name carries over
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED and registration.user == user
    assert _signed_in_as(client) is None  # the browser that only typed the address: not


def test_then_asking_to_join_needs_no_second_account_and_keeps_the_name(client, session_a,
                                                                        chapter_a):
    _sign_up(client, session_a)
    registration = Registration.objects.get()
    _confirm_by_link(client, registration)
    page = client.get(reverse("onboarding:registration", args=[registration.token]))
    join_url = reverse("members:join", args=[chapter_a.slug])
    assert join_url.encode() in page.content
    join = client.get(join_url)
    assert join.status_code == 200  # no sign-in page in between
    assert b'value="Rosa"' in join.content
    assert User.objects.count() == 1


def test_confirming_with_the_typed_code_signs_in_too(client, session_a):
    _sign_up(client, session_a)
    registration = Registration.objects.get()
    response = client.post(reverse("onboarding:check_email", args=[session_a.pk]),
                           {"email": "rosa@example.org", "code": registration.code})
    assert response.status_code == 302
    assert _signed_in_as(client).email == "rosa@example.org"


def test_a_wrong_code_signs_nobody_in(client, session_a):
    _sign_up(client, session_a)
    response = client.post(reverse("onboarding:check_email", args=[session_a.pk]),
                           {"email": "rosa@example.org", "code": "WRONG999"})
    assert response.status_code == 400
    assert _signed_in_as(client) is None and not User.objects.exists()


def test_an_existing_account_is_used_and_keeps_its_name(client, session_a, carol):
    _sign_up(client, session_a, email="carol@example.org", name="Someone else")
    _confirm_by_link(client, Registration.objects.get())
    assert _signed_in_as(client) == carol
    carol.refresh_from_db()
    assert carol.display_name == "Carol"
    assert User.objects.filter(email__iexact="carol@example.org").count() == 1


def test_an_unverified_address_of_an_existing_account_becomes_verified(client, session_a):
    user = User.objects.create_user("half@example.org")
    EmailAddress.objects.create(user=user, email="half@example.org", verified=False,
                                primary=True)
    _sign_up(client, session_a, email="half@example.org")
    _confirm_by_link(client, Registration.objects.get())
    assert EmailAddress.objects.get(user=user).verified
    assert _signed_in_as(client) == user


def test_an_organizer_with_a_second_factor_is_still_asked_for_it(client, session_a, alice):
    _sign_up(client, session_a, email="alice@example.org")
    response = _confirm_by_link(client, Registration.objects.get())
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response.url
    assert _signed_in_as(client) is None


def test_a_stale_link_confirms_the_place_but_signs_nobody_in(client, session_a):
    _sign_up(client, session_a)
    registration = Registration.objects.get()
    Registration.objects.filter(pk=registration.pk).update(
        confirmation_sent_at=timezone.now() - dt.timedelta(days=4))
    _confirm_by_link(client, registration)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    assert _signed_in_as(client) is None and not User.objects.exists()


def test_confirming_again_signs_nobody_in(client, session_a):
    registration = make_registration(session_a, "again@example.org",
                                     confirmation_sent_at=timezone.now())
    _confirm_by_link(client, registration)  # already confirmed: the link has been used
    assert _signed_in_as(client) is None and not User.objects.exists()


def test_someone_signed_in_as_another_person_stays_who_they_are(session_a, carol, as_user):
    client = as_user(carol)
    _sign_up(Client(), session_a, email="other@example.org")
    _confirm_by_link(client, Registration.objects.get())
    assert _signed_in_as(client) == carol
    assert not User.objects.filter(email="other@example.org").exists()


def test_an_inactive_account_is_not_signed_in(client, session_a):
    factories.make_user("gone@example.org", is_active=False)
    _sign_up(client, session_a, email="gone@example.org")
    _confirm_by_link(client, Registration.objects.get())
    assert _signed_in_as(client) is None
    assert Registration.objects.get().user is None


# -- Signed in: one tap, and "You're going" ----------------------------------------------


def test_a_signed_in_person_signs_up_in_one_tap(session_a, carol, as_user):
    client = as_user(carol)
    page = client.get(reverse("onboarding:detail", args=[session_a.pk]))
    assert b'name="email"' not in page.content and b'name="name"' not in page.content
    assert b"You sign up as Carol" in page.content
    response = client.post(reverse("onboarding:detail", args=[session_a.pk]), {})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == S.CONFIRMED and registration.user == carol
    assert registration.name == "Carol" and registration.email == "carol@example.org"
    going = client.get(reverse("onboarding:detail", args=[session_a.pk]))
    assert "You're going" in going.content.decode()
    assert b'<button type="submit" class="button">Sign up' not in going.content


def test_one_tap_asks_for_a_name_only_when_the_account_has_none(session_a, as_user):
    user = factories.make_user("noname@example.org")
    client = as_user(user)
    page = client.get(reverse("onboarding:detail", args=[session_a.pk]))
    assert b'name="name"' in page.content and b'name="email"' not in page.content
    empty = client.post(reverse("onboarding:detail", args=[session_a.pk]), {})
    assert empty.status_code == 400 and not Registration.objects.exists()
    client.post(reverse("onboarding:detail", args=[session_a.pk]), {"name": "Nia"})
    assert Registration.objects.get().name == "Nia"


def test_signing_up_twice_in_one_tap_is_harmless(session_a, carol, as_user):
    client = as_user(carol)
    client.post(reverse("onboarding:detail", args=[session_a.pk]), {})
    again = client.post(reverse("onboarding:detail", args=[session_a.pk]), {})
    assert again.status_code == 302 and Registration.objects.count() == 1


def test_a_waitlisted_person_sees_their_position(chapter_a, carol, as_user):
    session = make_session(chapter_a, capacity=1)
    make_registration(session, "holder@example.org")
    make_registration(session, "first@example.org", status=S.WAITLISTED)
    client = as_user(carol)
    client.post(reverse("onboarding:detail", args=[session.pk]), {})
    registration = Registration.objects.get(email="carol@example.org")
    assert registration.status == S.WAITLISTED
    page = client.get(reverse("onboarding:detail", args=[session.pk])).content.decode()
    assert "You're on the waitlist" in page and "number 2 on the waitlist" in page
    own = client.get(reverse("onboarding:registration", args=[registration.token]))
    assert "number 2 on the waitlist" in own.content.decode()


def test_a_pending_sign_up_of_the_signed_in_person_is_confirmed_in_one_tap(session_a, carol,
                                                                            as_user):
    # Nobody confirmed it (a stranger may have typed carol's address): carol, signed in with
    # that verified address, is offered the one-tap sign-up, which confirms it in her name.
    make_registration(session_a, "carol@example.org", status=S.PENDING, name="Typed by someone")
    client = as_user(carol)
    page = client.get(reverse("onboarding:detail", args=[session_a.pk]))
    assert b"You sign up as" in page.content and b"Check your email" not in page.content
    client.post(reverse("onboarding:detail", args=[session_a.pk]), {"name": "Carol"})
    registration = session_a.registrations.get()
    assert registration.status == S.CONFIRMED and registration.user == carol
    assert registration.name == "Carol"


# -- How many are going, never who --------------------------------------------------------


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_session_shows_how_many_are_going_never_who(session_a, carol, as_user, anonymous):
    make_registration(session_a, "one@example.org", name="Secretname One")
    make_registration(session_a, "two@example.org", name="Secretname Two")
    make_registration(session_a, "wait@example.org", name="Secretname Three",
                      status=S.PENDING)
    client = Client() if anonymous else as_user(carol)
    page = client.get(reverse("onboarding:detail", args=[session_a.pk])).content.decode()
    assert "2 people going" in page
    assert "Secretname" not in page and "one@example.org" not in page


def test_another_persons_sign_up_does_not_show_as_mine(session_a, carol, as_user):
    make_registration(session_a, "someone@example.org")
    page = as_user(carol).get(reverse("onboarding:detail", args=[session_a.pk]))
    assert b"You're going" not in page.content and b"You sign up as Carol" in page.content
    assert re.search(rb"/sessions/r/[\w-]{20,}/", page.content) is None


def test_the_page_after_confirming_says_signed_in_once(client, session_a):
    _sign_up(client, session_a)
    response = _confirm_by_link(client, Registration.objects.get())
    page = client.get(response.url).content.decode()
    assert "You are signed in as Rosa" in page
    assert "Successfully signed in" not in page  # allauth's own message: not twice


def test_wrong_codes_are_limited_like_failed_sign_ins(client, session_a):
    _sign_up(client, session_a)
    registration = Registration.objects.get()
    url = reverse("onboarding:check_email", args=[session_a.pk])
    for _n in range(5):
        assert client.post(url, {"email": "rosa@example.org", "code": "WRONG999"}
                           ).status_code == 400
    blocked = client.post(url, {"email": "rosa@example.org", "code": registration.code})
    assert blocked.status_code == 400 and b"Too many wrong codes" in blocked.content
    registration.refresh_from_db()
    assert registration.status == S.PENDING and _signed_in_as(client) is None


def test_the_holder_of_the_address_confirms_under_the_name_they_choose(client, session_a):
    # Someone else typed Rosa's address, and a name of their choosing.
    _sign_up(Client(), session_a, email="rosa@example.org", name="Rosa Is A Snitch")
    registration = Registration.objects.get()
    url = reverse("onboarding:registration", args=[registration.token])
    page = client.get(url)
    assert b'value="Rosa Is A Snitch"' in page.content  # shown, in a field she can change
    response = client.post(reverse("onboarding:registration_confirm",
                                   args=[registration.token]), {"name": "  R.  "})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.name) == (S.CONFIRMED, "R.")
    assert _signed_in_as(client).display_name == "R."  # the account takes her choice


def test_confirming_with_an_empty_name_says_so_and_confirms_nothing(client, session_a):
    _sign_up(client, session_a)
    registration = Registration.objects.get()
    response = client.post(reverse("onboarding:registration_confirm",
                                   args=[registration.token]), {"name": " "})
    assert response.status_code == 400
    assert b'aria-invalid="true"' in response.content
    registration.refresh_from_db()
    assert (registration.status, registration.name) == (S.PENDING, "Rosa")
    assert _signed_in_as(client) is None


@pytest.mark.parametrize("browser_says, account_speaks", [
    ({}, "it"),  # no choice from the browser: the language the emails already used
    ({"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}, "de"),  # the browser's choice
])
def test_a_new_account_speaks_the_language_of_its_thread_unless_the_browser_chose(
        session_a, browser_says, account_speaks):
    # Found by the red team: an Italian session's first emails came in Italian, then the
    # account made at confirmation took the site's default and the rest came in English.
    session_a.language = "it"
    session_a.save(update_fields=["language"])
    _sign_up(Client(**browser_says), session_a)
    registration = Registration.objects.get()
    _confirm_by_link(Client(**browser_says), registration)
    account = User.objects.get(email="rosa@example.org")
    assert account.preferred_language == account_speaks
