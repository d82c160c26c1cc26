"""Signing up with a name and email, confirming by link or code, waitlist, cancelling."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from onboarding import services
from onboarding.models import Registration
from onboarding.models import RegistrationStatus as S
from tests import factories
from tests.factories import make_registration, make_session


def sign_up(client, session, email="new@example.org", name="Rosa"):
    return client.post(reverse("onboarding:detail", args=[session.pk]),
                       {"name": name, "email": email})


def test_sign_up_sends_a_confirmation_link_and_code(client, session_a, emails):
    response = sign_up(client, session_a)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == S.PENDING and not registration.email_confirmed
    [message] = emails()
    assert registration.token in message.body and registration.code in message.body
    # Opening the link (GET) changes nothing: mail scanners prefetch links.
    page = client.get(reverse("onboarding:registration", args=[registration.token]))
    assert page.status_code == 200
    registration.refresh_from_db()
    assert registration.status == S.PENDING
    client.post(reverse("onboarding:registration_confirm", args=[registration.token]))
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED and registration.email_confirmed


def test_confirm_with_the_code(client, session_a):
    sign_up(client, session_a, email="Code@Example.org")
    registration = Registration.objects.get()
    url = reverse("onboarding:check_email", args=[session_a.pk])
    bad = client.post(url, {"email": "code@example.org", "code": "WRONG123"})
    assert bad.status_code == 400 and b"does not match" in bad.content
    good = client.post(url, {"email": "code@example.org", "code": registration.code.lower()})
    assert good.status_code == 302
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_registering_twice_is_harmless(client, session_a, emails):
    sign_up(client, session_a)
    sign_up(client, session_a, email="NEW@example.org")
    assert Registration.objects.count() == 1
    assert len(emails()) == 1  # re-sent at most every few minutes


def test_signed_in_person_with_that_verified_email_is_confirmed_at_once(carol, session_a,
                                                                         as_user):
    response = sign_up(as_user(carol), session_a, email="carol@example.org")
    registration = Registration.objects.get()
    # Back on the session's page, which now says "You're going".
    assert response.url == reverse("onboarding:detail", args=[session_a.pk])
    assert registration.status == S.CONFIRMED and registration.user == carol


def test_full_session_puts_people_on_the_waitlist(chapter_a):
    session = make_session(chapter_a, capacity=1)
    first = services.register(session, name="A", email="a@example.org")
    second = services.register(session, name="B", email="b@example.org")
    assert services.confirm_email(first).status == S.CONFIRMED
    assert services.confirm_email(second).status == S.WAITLISTED


def test_cancelling_a_place_promotes_the_first_waitlisted(chapter_a, emails):
    session = make_session(chapter_a, capacity=1)
    holder = make_registration(session, "holder@example.org")
    later = make_registration(session, "later@example.org", status=S.WAITLISTED)
    earlier = make_registration(session, "earlier@example.org", status=S.WAITLISTED)
    Registration.objects.filter(pk=earlier.pk).update(
        confirmed_at=timezone.now() - dt.timedelta(hours=1))
    services.cancel_registration(holder)
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert earlier.status == S.CONFIRMED and later.status == S.WAITLISTED
    promoted = [m for m in emails() if m.to == ["earlier@example.org"]]
    assert promoted and "freed up" in promoted[0].subject


def test_cancel_from_the_email_link(client, session_a):
    registration = make_registration(session_a)
    response = client.post(reverse("onboarding:registration_cancel", args=[registration.token]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    # Twice: a message, not a crash.
    again = client.post(reverse("onboarding:registration_cancel", args=[registration.token]))
    assert again.status_code == 302


def test_cancel_from_my_page(carol, session_a, as_user):
    registration = make_registration(session_a, "carol@example.org")
    page = as_user(carol).get(reverse("members:me"))
    assert reverse("onboarding:registration_cancel", args=[registration.token]).encode() \
        in page.content


def test_my_page_does_not_show_other_peoples_registrations(carol, session_a, as_user):
    other = make_registration(session_a, "someone@example.org")
    page = as_user(carol).get(reverse("members:me"))
    assert other.token.encode() not in page.content


def test_registration_closes_at_the_closing_time(chapter_a, client):
    session = make_session(chapter_a, registration_closes_at=timezone.now()
                           - dt.timedelta(minutes=1))
    response = sign_up(client, session)
    assert response.status_code == 400
    assert not Registration.objects.exists()
    with pytest.raises(services.RegistrationClosed):
        services.register(session, name="X", email="x@example.org")


def test_registration_closes_at_the_start(chapter_a):
    session = make_session(chapter_a, starts_at=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(services.RegistrationClosed):
        services.register(session, name="X", email="x@example.org")


def test_cancelled_session_takes_no_sign_ups(session_a, client):
    session_a.status = "cancelled"
    session_a.save()
    assert sign_up(client, session_a).status_code == 400
    assert not Registration.objects.exists()


def test_transitions_outside_the_table_are_refused(session_a):
    registration = make_registration(session_a, status=S.CANCELLED)
    with pytest.raises(services.TransitionError):
        services.cancel_registration(registration)
    with pytest.raises(services.TransitionError):
        services.set_attendance(registration, attended=True, actor=None)


def test_bad_sign_up_keeps_what_was_typed(client, session_a):
    response = sign_up(client, session_a, email="not-an-email", name="Kept Name")
    assert response.status_code == 400
    assert b"Kept Name" in response.content


def test_unlisted_chapters_sessions_are_not_public(client, baseline):
    hidden = factories.make_chapter("hidden", is_listed=False)
    session = make_session(hidden)
    assert client.get(reverse("onboarding:detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("onboarding:ics", args=[session.pk])).status_code == 404
    assert session.title.encode() not in client.get(reverse("onboarding:list")).content
    assert mail.outbox == []


def test_more_places_go_to_the_waitlist(alice, chapter_a, emails):
    session = make_session(chapter_a, capacity=1)
    make_registration(session, "holder@example.org")
    waiting = make_registration(session, "waiting@example.org", status=S.WAITLISTED)
    session.capacity = 2
    services.edit_session(session, actor=alice, changed=["capacity"])
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert any(m.to == ["waiting@example.org"] for m in emails())


def test_empty_sign_up_shows_field_errors(client, session_a):
    response = client.post(reverse("onboarding:detail", args=[session_a.pk]))
    assert response.status_code == 400
    assert b"This field is required" in response.content


def test_unconfirmed_sign_ups_are_forgotten_and_confirmed_ones_kept(db, gazetteer):
    import datetime as dt

    from django.utils import timezone

    from onboarding import services
    from onboarding.models import Registration
    from tests.factories import make_chapter
    from tests.factories import make_session

    now = timezone.now()
    session = make_session(make_chapter(), starts_at=now + dt.timedelta(days=30))
    services.register(session, name="A", email="a@example.org",
                                         now=now - dt.timedelta(days=8))
    never_emailed = services.register(session, name="B", email="b@example.org")
    Registration.objects.filter(pk=never_emailed.pk).update(
        confirmation_sent_at=None, created_at=now - dt.timedelta(days=8))
    recent = services.register(session, name="C", email="c@example.org",
                               now=now - dt.timedelta(days=6))
    confirmed = services.register(session, name="D", email="d@example.org",
                                  now=now - dt.timedelta(days=20))
    services.confirm_email(confirmed)
    assert services.forget_unconfirmed(now) == 2
    assert set(Registration.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    # Once the session is over, an unconfirmed sign-up goes whatever its age.
    assert services.forget_unconfirmed(now + dt.timedelta(days=31)) == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [confirmed.pk]
