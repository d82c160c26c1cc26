"""List pages fetch what they show in a fixed number of queries, whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.enums import MembershipStatus
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db


def _add(chapter, n: int) -> None:
    for i in range(n):
        make_membership(make_user(display_name=f"Member {i}", pronouns="they"), chapter)
        make_membership(make_user(work_kind="qa"), chapter, status=MembershipStatus.PENDING,
                        answers={"owner_executive_investor": "no"})


@pytest.mark.parametrize("name", ["members:members", "members:requests",
                                  "members:policy_review", "members:counts"])
def test_organizer_lists_use_constant_queries(name, alice, chapter_a, as_user,
                                              django_assert_num_queries):
    client = as_user(alice)
    url = reverse(name, args=[chapter_a.slug])
    _add(chapter_a, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add(chapter_a, 12)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_my_page_uses_constant_queries(carol, chapter_b, as_user, django_assert_num_queries):
    from tests.factories import make_chapter

    client = as_user(carol)
    client.get(reverse("members:me"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("members:me")).status_code == 200
    for _ in range(5):
        make_membership(carol, make_chapter())
    with django_assert_num_queries(len(small)):
        assert client.get(reverse("members:me")).status_code == 200
