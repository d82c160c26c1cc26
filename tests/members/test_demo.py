from django.core.management import call_command

from members.models import JoinRequestDigest, Membership, PolicyVersion, User


def test_demo_has_pending_berlin_requests_and_loading_twice_changes_nothing(gazetteer, db):
    call_command("load_demo")
    counts = [m.objects.count() for m in (User, Membership, PolicyVersion, JoinRequestDigest)]
    call_command("load_demo")
    assert counts == [m.objects.count() for m in (User, Membership, PolicyVersion,
                                                   JoinRequestDigest)]
    pending = Membership.objects.pending().filter(chapter__slug="berlin")
    assert pending.count() == 3
    assert all(m.answers and m.policy_version_id for m in pending)
    berlin = PolicyVersion.objects.filter(policy__chapter__slug="berlin").order_by("number")
    assert [v.exclude_hire_fire for v in berlin] == [True, False]
