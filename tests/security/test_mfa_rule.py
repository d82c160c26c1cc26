"""The second-factor rule: organizers set one up before they act; members browse freely."""

import pytest
from django.urls import reverse

from chapters import permissions as chapter_permissions
from members import permissions
from tests import factories


@pytest.mark.django_db
def test_organizer_without_mfa_is_sent_to_set_it_up(chapter_a, as_user):
    organizer = factories.make_organizer(chapter_a, "nomfa@example.org", mfa=False)
    client = as_user(organizer)
    response = client.get(reverse("chapters:directory"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert not chapter_permissions.may_edit_chapter(organizer, chapter_a)
    assert not permissions.may_manage_members(organizer, chapter_a)


@pytest.mark.django_db
def test_organizer_with_mfa_acts_as_organizer(alice, chapter_a, chapter_b, as_user):
    assert as_user(alice).get(reverse("chapters:directory")).status_code == 200
    assert chapter_permissions.may_edit_chapter(alice, chapter_a)
    assert permissions.may_manage_members(alice, chapter_a)
    assert not permissions.may_manage_members(alice, chapter_b)


@pytest.mark.django_db
def test_a_member_without_mfa_browses_freely(carol, as_user):
    assert as_user(carol).get(reverse("chapters:directory")).status_code == 200


@pytest.mark.django_db
def test_global_admin_sees_counts_but_not_members(admin_user, chapter_a):
    assert permissions.may_see_member_counts(admin_user, chapter_a)
    assert not permissions.may_manage_members(admin_user, chapter_a)


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
