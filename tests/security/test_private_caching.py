"""Private pages are never stored by a cache or the browser; public pages may be."""

import pytest
from django.urls import reverse

from tests.factories import make_registration, make_session

pytestmark = pytest.mark.django_db


def test_a_member_list_is_not_stored(alice, chapter_a, as_user):
    response = as_user(alice).get(reverse("members:members", args=[chapter_a.slug]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_registration_page_with_the_venue_is_not_stored(chapter_a, client):
    registration = make_registration(make_session(chapter_a))
    response = client.get(reverse("onboarding:registration", args=[registration.token]))
    assert "no-store" in response["Cache-Control"]


def test_public_pages_keep_their_caching(client, chapter_a):
    assert "no-store" not in client.get(chapter_a.get_absolute_url()).get("Cache-Control", "")
    assert "public" in client.get(reverse("chapters:api"))["Cache-Control"]
