"""A signed-in person's second factor and organizer roles kept in their session
(members/roles.py): asked once, then answered from the session while the person's roles
version stands; any change to them, however written, is seen on the very next request."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import roles, services
from members.enums import MembershipRole, MembershipStatus
from members.models import Membership, User
from tests import factories
from tests.conftest import signed_in


def _members_page(chapter) -> str:
    return reverse("members:members", args=[chapter.slug])


def _role_queries(captured) -> list[str]:
    """The queries that ask for a person's second factor or organizer memberships."""
    return [q["sql"] for q in captured if "mfa_authenticator" in q["sql"]
            or ('"members_membership"."chapter_id" AS' in q["sql"]
                and '"role" =' in q["sql"] and "COUNT" not in q["sql"])]


def test_roles_are_asked_once_then_kept_in_the_session(alice, chapter_a):
    client = signed_in(alice)
    with CaptureQueriesContext(connection) as first:
        assert client.get(_members_page(chapter_a)).status_code == 200
    assert len(_role_queries(first)) == 2
    kept = client.session[roles.SESSION_ROLES]
    alice.refresh_from_db()
    assert kept == {"u": alice.pk, "v": alice.roles_version, "mfa": True,
                    "org": [chapter_a.pk]}
    with CaptureQueriesContext(connection) as second:
        assert client.get(_members_page(chapter_a)).status_code == 200
    assert _role_queries(second) == []
    assert len(second) <= len(first) - 2


def test_removed_organizer_loses_the_member_list_on_the_next_request(alice, chapter_a, baseline):
    other = factories.make_organizer(chapter_a, "other@example.org")
    client = signed_in(alice)
    assert client.get(_members_page(chapter_a)).status_code == 200
    membership = Membership.objects.get(user=alice, chapter=chapter_a)
    services.remove_member(membership, actor=other, reason="test")
    assert client.get(_members_page(chapter_a)).status_code == 403


def test_organizer_stepped_back_by_a_bulk_update_loses_access(alice, chapter_a):
    client = signed_in(alice)
    assert client.get(_members_page(chapter_a)).status_code == 200
    Membership.objects.filter(user=alice).update(role=MembershipRole.MEMBER)
    assert client.get(_members_page(chapter_a)).status_code == 403


def test_organizer_whose_membership_row_is_deleted_loses_access(alice, chapter_a):
    client = signed_in(alice)
    assert client.get(_members_page(chapter_a)).status_code == 200
    Membership.objects.filter(user=alice).delete()
    assert client.get(_members_page(chapter_a)).status_code == 403


def test_organizer_revoked_by_raw_sql_loses_access(alice, chapter_a):
    client = signed_in(alice)
    assert client.get(_members_page(chapter_a)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_membership SET status = %s WHERE user_id = %s",
                       [MembershipStatus.REMOVED, alice.pk])
    assert client.get(_members_page(chapter_a)).status_code == 403


def test_organizer_whose_authenticator_is_deleted_loses_access(alice, chapter_a):
    client = signed_in(alice)
    assert client.get(_members_page(chapter_a)).status_code == 200
    Authenticator.objects.filter(user=alice).delete()
    assert client.get(_members_page(chapter_a)).status_code == 403
    assert client.session[roles.SESSION_ROLES]["mfa"] is False


def test_a_new_organizer_gets_in_on_the_next_request(carol, chapter_a):
    TOTP.activate(carol, factories.TOTP_SECRET)
    client = signed_in(carol)
    assert client.get(_members_page(chapter_a)).status_code == 403
    Membership.objects.filter(user=carol, chapter=chapter_a).update(
        role=MembershipRole.ORGANIZER)
    assert client.get(_members_page(chapter_a)).status_code == 200


def test_organizer_of_another_chapter_stays_refused(alice, bob, chapter_a, chapter_b):
    client = signed_in(bob)
    assert client.get(_members_page(chapter_b)).status_code == 200
    assert client.get(_members_page(chapter_a)).status_code == 403
    # A change to someone else's roles leaves bob's kept answers alone.
    Membership.objects.filter(user=alice).update(role=MembershipRole.MEMBER)
    assert client.get(_members_page(chapter_a)).status_code == 403
    assert client.get(_members_page(chapter_b)).status_code == 200


def test_roles_kept_for_one_person_are_not_read_for_another(alice, carol, chapter_a):
    client = signed_in(alice)
    assert client.get(_members_page(chapter_a)).status_code == 200
    kept = client.session[roles.SESSION_ROLES]
    client = signed_in(carol)
    session = client.session
    session[roles.SESSION_ROLES] = {**kept, "v": User.objects.get(pk=carol.pk).roles_version}
    session.save()
    assert client.get(_members_page(chapter_a)).status_code == 403


def test_only_role_changes_raise_the_version(alice, carol, chapter_a, chapter_b):
    version = User.objects.get(pk=carol.pk).roles_version
    pending = factories.make_membership(carol, chapter_b, status=MembershipStatus.PENDING)
    Membership.objects.filter(pk=pending.pk).update(status=MembershipStatus.DECLINED)
    assert User.objects.get(pk=carol.pk).roles_version == version
    Membership.objects.filter(user=carol, chapter=chapter_a).update(
        role=MembershipRole.ORGANIZER)
    assert User.objects.get(pk=carol.pk).roles_version > version


@pytest.mark.django_db(transaction=True)
def test_the_triggers_are_there_after_every_migrate():
    names = roles.installed_triggers(connection)
    expected = {"members_membership_bumps_roles", "mfa_authenticator_bumps_roles"}
    if connection.vendor == "sqlite":
        expected = {f"{name}_{event}" for name in expected
                    for event in ("insert", "update", "delete")}
    assert names == expected
    with connection.cursor() as cursor:
        for name in sorted(names):
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER {name}")
            else:
                table = name.removesuffix("_bumps_roles")
                cursor.execute(f"DROP TRIGGER {name} ON {table}")
    call_command("migrate", verbosity=0)
    assert roles.installed_triggers(connection) == expected
