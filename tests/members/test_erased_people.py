"""Rows whose person is gone (Membership.user is None) break no page, email or task."""

import pytest
from django.core import mail

from members.enums import MembershipRole, MembershipStatus
from members.models import JoinRequestDigest, Membership
from members.tasks import send_join_request_digest
from tests.factories import make_membership, make_user
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def _orphan(chapter, **fields):
    membership = make_membership(make_user(), chapter, **fields)
    Membership.objects.filter(pk=membership.pk).update(user=None)


def test_digest_skips_rows_without_a_person(alice, chapter_a):
    _orphan(chapter_a, role=MembershipRole.ORGANIZER)
    _orphan(chapter_a, status=MembershipStatus.PENDING)
    make_membership(make_user(display_name="Asker"), chapter_a, status=MembershipStatus.PENDING)
    JoinRequestDigest.objects.get_or_create(chapter=chapter_a)
    assert send_join_request_digest.call(chapter_a.pk) == 1
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_organizer_pages_show_no_row_without_a_person(alice, chapter_a, as_user):
    _orphan(chapter_a)
    _orphan(chapter_a, status=MembershipStatus.PENDING)
    client = as_user(alice)
    for path in ("members/", "requests/", "policy/review/", "member-counts/"):
        assert client.get(f"/chapters/{chapter_a.slug}/{path}").status_code == 200
