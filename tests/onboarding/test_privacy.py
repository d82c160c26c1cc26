"""The venue address and call link reach only confirmed people and the chapter's organizers."""

import pytest
from django.urls import reverse

from onboarding import privacy
from onboarding.models import Registration
from onboarding.models import RegistrationStatus as S
from tests.factories import CALL, VENUE, make_registration, make_session

SECRETS = (VENUE.encode(), CALL.encode(), b"secret-room")


def assert_no_secrets(content: bytes):
    for secret in SECRETS:
        assert secret not in content


def test_public_pages_never_show_venue_or_link(session_a, client, chapter_a):
    for url in (
        reverse("onboarding:list"),
        reverse("onboarding:list") + "?chapter=alpha&format=hybrid&language=en",
        reverse("onboarding:detail", args=[session_a.pk]),
        reverse("onboarding:ics", args=[session_a.pk]),
        reverse("onboarding:feed", args=[chapter_a.slug]),
        reverse("onboarding:flyer", args=[chapter_a.slug]),
        reverse("chapters:detail", args=[chapter_a.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert session_a.title.encode() in response.content, url
        assert_no_secrets(response.content)


def test_signed_in_member_does_not_see_venue_on_public_pages(session_a, carol, as_user):
    client = as_user(carol)
    for url in (reverse("onboarding:detail", args=[session_a.pk]),
                reverse("chapters:detail", args=["alpha"]), reverse("members:me")):
        assert_no_secrets(client.get(url).content)


@pytest.mark.parametrize("status,confirmed", [
    (S.PENDING, False), (S.WAITLISTED, True), (S.CANCELLED, True),
])
def test_unconfirmed_or_waitlisted_person_does_not_see_venue(session_a, client, status,
                                                             confirmed):
    registration = make_registration(session_a, status=status)
    Registration.objects.filter(pk=registration.pk).update(email_confirmed=confirmed)
    assert_no_secrets(client.get(
        reverse("onboarding:registration", args=[registration.token])).content)
    assert_no_secrets(client.get(
        reverse("onboarding:registration_ics", args=[registration.token])).content)


def test_confirmed_person_sees_venue_and_link_on_their_page_and_calendar(session_a, client):
    registration = make_registration(session_a)
    page = client.get(reverse("onboarding:registration", args=[registration.token]))
    assert VENUE.encode() in page.content and CALL.encode() in page.content
    ics = client.get(reverse("onboarding:registration_ics", args=[registration.token]))
    assert b"Secret Hall" in ics.content and b"secret-room-42" in ics.content
    assert ics["Content-Type"].startswith("text/calendar")


def test_cancelled_session_page_hides_venue_even_from_confirmed(session_a, client):
    registration = make_registration(session_a)
    session_a.status = "cancelled"
    session_a.save()
    assert_no_secrets(client.get(
        reverse("onboarding:registration", args=[registration.token])).content)


def test_organizer_sees_venue_on_the_sign_up_page(alice, session_a, as_user):
    page = as_user(alice).get(reverse("onboarding:attendees", args=[session_a.pk]))
    assert VENUE.encode() in page.content


def test_waitlisted_and_confirmation_emails_carry_no_venue(chapter_a, emails):
    from onboarding import services
    session = make_session(chapter_a, capacity=1)
    make_registration(session, "holder@example.org")
    registration = services.register(session, name="W", email="w@example.org")
    services.confirm_email(registration)
    for message in emails():
        assert VENUE not in message.body and CALL not in message.body


def test_confirmed_email_carries_the_venue(session_a, emails):
    from onboarding import services
    registration = services.register(session_a, name="C", email="c@example.org")
    services.confirm_email(registration)
    confirmed = [m for m in emails() if "confirmed" in m.subject]
    assert confirmed and VENUE in confirmed[0].body


def test_unknown_token_is_404(client, db):
    for token in ("nope", "x" * 500, "../../etc"):
        assert client.get(f"/sessions/r/{token}/").status_code == 404
        assert client.post(f"/sessions/r/{token}/cancel/").status_code == 404


def test_export_and_erase_frees_the_place_for_the_waitlist(carol, session_a, emails):
    session_a.capacity = 1
    session_a.save()
    make_registration(session_a, "carol@example.org", name="Carol P")
    waiting = make_registration(session_a, "next@example.org", status=S.WAITLISTED)
    data = privacy.export(carol)
    assert data["registrations"][0]["name"] == "Carol P"
    privacy.erase(carol)
    assert privacy.export(carol) == {"registrations": []}
    registration = Registration.objects.get(name="")
    assert registration.status == S.CANCELLED and "carol" not in registration.email
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert [m.to for m in emails()] == [["next@example.org"]]
