"""The places taken of a session are counted in one place: Registration.holding_places()."""

from django.urls import reverse

from onboarding.models import OnboardingSession, RegistrationStatus
from tests.factories import make_registration

HOLDING = [RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED,
           RegistrationStatus.NO_SHOW]
NOT_HOLDING = [RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED,
               RegistrationStatus.CANCELLED]


def test_confirmed_and_checked_in_people_take_places_others_do_not(session_a):
    for status in HOLDING + NOT_HOLDING:
        make_registration(session_a, status=status)
    assert session_a.places_taken() == 3
    assert session_a.places_left == session_a.capacity - 3
    annotated = OnboardingSession.objects.with_taken().get(pk=session_a.pk)
    assert annotated.taken == 3 and annotated.places_left == session_a.capacity - 3


def test_the_organizers_list_counts_the_same_places(session_a, alice, as_user):
    for status in HOLDING + NOT_HOLDING + [RegistrationStatus.WAITLISTED]:
        make_registration(session_a, status=status)
    response = as_user(alice).get(reverse("onboarding:manage", args=[session_a.chapter.slug]))
    (row,) = response.context["page_obj"].object_list
    assert (row.taken, row.waitlisted) == (3, 2)
