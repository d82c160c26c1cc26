"""The member list's order comes from a copy of each person's name on their membership rows
(members/name_order.py): the copy follows every rename and goes with the person."""

import pytest
from django.db import connection
from django.urls import reverse

from members import name_order
from members.models import Membership, User
from members.services import delete_account
from tests import factories
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _sort_names(user_or_chapter) -> list[str]:
    rows = Membership.objects.filter(**{
        "user" if isinstance(user_or_chapter, User) else "chapter": user_or_chapter})
    return sorted(rows.values_list("sort_name", flat=True))


def test_the_triggers_are_installed():
    names = name_order.installed_triggers(connection)
    assert names, "no name-order trigger in the test database"


def test_a_new_membership_holds_the_persons_name(chapter_a, chapter_b):
    person = factories.make_user("erin@example.org", display_name="Erin")
    factories.make_membership(person, chapter_a)
    Membership.objects.create(user=person, chapter=chapter_b)
    assert _sort_names(person) == ["Erin", "Erin"]


def test_the_copy_follows_a_rename_by_save_and_by_bulk_update(chapter_a, chapter_b):
    person = factories.make_user("erin@example.org", display_name="Erin")
    factories.make_membership(person, chapter_a)
    factories.make_membership(person, chapter_b)
    person.display_name = "Erin <b>Z</b>"
    person.save()
    assert _sort_names(person) == ["Erin <b>Z</b>"] * 2
    User.objects.filter(pk=person.pk).update(display_name="Ada")
    assert _sort_names(person) == ["Ada", "Ada"]


def test_whatever_is_saved_on_the_membership_the_copy_is_the_persons_name(chapter_a):
    person = factories.make_user("erin@example.org", display_name="Erin")
    membership = factories.make_membership(person, chapter_a)
    membership.sort_name = "Aaron"  # a stale instance, or a write by hand
    membership.save()
    Membership.objects.filter(pk=membership.pk).update(sort_name="Aaron")
    assert _sort_names(person) == ["Erin"]


def test_the_copy_is_erased_with_the_person(chapter_a, carol):
    assert _sort_names(chapter_a).count("Carol") == 1
    delete_account(carol)
    assert "Carol" not in _sort_names(chapter_a)
    assert Membership.objects.filter(chapter=chapter_a, user=None).get().sort_name == ""


def test_the_member_list_follows_a_rename(alice, chapter_a):
    for name in ("Bea", "Cleo", "Dora"):
        factories.make_membership(factories.make_user(display_name=name), chapter_a,
                                  status="active")
    client = signed_in(alice)
    url = reverse("members:members", args=[chapter_a.slug])

    def order() -> list[str]:
        body = client.get(url).content.decode()
        return sorted(("Bea", "Cleo", "Dora", "Aaron", "Zed"),
                      key=lambda n: body.find(f">{n}<") if f">{n}<" in body else 10**9)

    assert order()[:3] == ["Bea", "Cleo", "Dora"]
    User.objects.filter(display_name="Dora").update(display_name="Aaron")
    User.objects.filter(display_name="Bea").update(display_name="Zed")
    assert order()[:3] == ["Aaron", "Cleo", "Zed"]


def test_people_with_the_same_name_are_listed_by_email(alice, chapter_a):
    for email in ("zoe@example.org", "amy@example.org", "max@example.org"):
        factories.make_membership(factories.make_user(email, display_name="Sam"), chapter_a,
                                  status="active")
    body = signed_in(alice).get(reverse("members:members", args=[chapter_a.slug])).content
    body = body.decode()
    positions = [body.find(e) for e in ("amy@example.org", "max@example.org",
                                        "zoe@example.org")]
    assert -1 not in positions and positions == sorted(positions)
