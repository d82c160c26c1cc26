"""Which rules are in force is read in one place: MembershipPolicy.objects.current_versions."""

from members.models import MembershipPolicy
from members.services import adopt_policy_version, current_versions
from tests import factories


def test_current_versions_are_the_baseline_and_the_chapters_latest(chapter_a, baseline):
    adopt_policy_version(chapter_a, actor=None, note="first", allow_supporters=False)
    latest = adopt_policy_version(chapter_a, actor=None, note="second", approval_required=True)
    assert current_versions(chapter_a) == (baseline, latest)
    assert current_versions(None) == (baseline, None)


def test_every_chapters_current_version_in_one_query(chapter_a, baseline,
                                                     django_assert_num_queries):
    other = factories.make_chapter("other")
    own = adopt_policy_version(other, actor=None, note="x", allow_supporters=False)
    with django_assert_num_queries(1):
        versions = MembershipPolicy.objects.current_versions()
    assert versions[None] == baseline and versions[other.pk] == own
    assert versions[chapter_a.pk] == chapter_a.policy.current_version
