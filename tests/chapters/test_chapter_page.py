"""The chapter page with the parts other apps fill in: fixed queries, closed chapters."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.services import adopt_policy_version
from onboarding import services as onboarding_services
from onboarding.models import OnboardingSession
from tests.factories import make_chapter, make_membership
from tests.factories import make_registration, make_session

pytestmark = pytest.mark.django_db


def _grow(chapter, n: int) -> None:
    """More of everything the page shows: sessions with sign-ups, rule versions, members,
    nearby chapters."""
    from tests.factories import make_user

    for i in range(n):
        session = make_session(chapter, days=i + 1)
        make_registration(session)
        adopt_policy_version(chapter, actor=None, note=f"change {i}")
        make_membership(make_user(), chapter)
        make_chapter(latitude=chapter.latitude + (i + 1) / 100, longitude=chapter.longitude)


@pytest.mark.parametrize("who", [None, "carol", "alice", "admin_user"])
def test_chapter_page_queries_stay_the_same_as_the_chapter_grows(
        who, request, chapter_a, client, as_user, django_assert_num_queries):
    browser = as_user(request.getfixturevalue(who)) if who else client
    url = chapter_a.get_absolute_url()
    _grow(chapter_a, 1)
    browser.get(url)
    caches["fragments"].clear()  # the page as rendered, not as cached for visitors
    with CaptureQueriesContext(connection) as small:
        assert browser.get(url).status_code == 200
    _grow(chapter_a, 6)
    caches["fragments"].clear()
    with django_assert_num_queries(len(small)):
        assert browser.get(url).status_code == 200


@pytest.mark.parametrize("status", ["graduated", "closed"])
def test_a_graduated_or_closed_chapter_offers_no_sign_up(status, chapter_a, client, alice,
                                                         as_user):
    session = make_session(chapter_a)
    chapter_a.status = status
    chapter_a.save()
    page = client.get(chapter_a.get_absolute_url()).content.decode()
    assert "#sign-up" not in page and reverse("members:join", args=[chapter_a.slug]) not in page
    response = client.post(reverse("onboarding:detail", args=[session.pk]),
                           {"name": "New", "email": "new@example.org"})
    assert response.status_code == 400
    assert not session.registrations.exists()
    with pytest.raises(onboarding_services.RegistrationClosed):
        onboarding_services.register(session, name="New", email="new@example.org")

    count = OnboardingSession.objects.count()
    response = as_user(alice).post(reverse("onboarding:create", args=[chapter_a.slug]), {})
    assert response.status_code == 302 and OnboardingSession.objects.count() == count
