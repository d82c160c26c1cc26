"""The join POST (what the benchmark's join row drives): a fixed number of queries however
many members the chapter has, the policy versions read once and recorded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Membership
from tests import factories
from tests.conftest import signed_in
from tests.members.test_joining import join_url, newcomer

# Session, user, second factor, organized chapters; the chapter; the person's membership
# (none), read once and locked (read twice before: unlocked by the view, then locked by
# the service); the policy versions, once (twice before); the preferred language saved;
# the insert; the chapter's digest (its first: created, then scheduled) and its task; the
# session saved.
JOIN_QUERIES = 14
# The test's own transaction turns atomic blocks into savepoints: not the page's round trips.
_NOT_COUNTED = ("SET ", "SAVEPOINT ", "RELEASE SAVEPOINT ")


@pytest.mark.parametrize("members", [1, 20])
def test_joining_makes_the_same_few_queries(chapter_a, baseline, members):
    for _n in range(members):
        Membership.objects.create(user=factories.make_user(), chapter=chapter_a,
                                  status="active")
    user = newcomer()
    client = signed_in(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(join_url(chapter_a), {"owner_executive_investor": "no"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, chapter=chapter_a)
    assert membership.policy_version == chapter_a.policy.current_version
    assert membership.baseline_version == baseline
    sql = [q["sql"] for q in queries if not q["sql"].upper().startswith(_NOT_COUNTED)]
    assert sum("members_membershippolicy" in q.split(" FROM ")[1].split(" ")[0]
               for q in sql if q.startswith("SELECT") and " FROM " in q) == 1, sql
    # The person's membership read once (locked), not by the view and again by the service.
    assert sum(q.startswith("SELECT") and ' FROM "members_membership" WHERE' in q
               and '"members_membership"."user_id" = %d' % user.pk in q
               and '"members_membership"."chapter_id" = %d' % chapter_a.pk in q
               for q in sql) == 1, sql
    assert len(sql) == JOIN_QUERIES, "\n".join(sql)
