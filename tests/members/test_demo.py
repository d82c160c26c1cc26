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


def test_berlins_history_tells_its_change_of_mind_as_its_rules_do(gazetteer, db, client):
    call_command("load_demo")
    berlin = PolicyVersion.objects.filter(policy__chapter__slug="berlin").order_by("number")
    first, now = list(berlin)
    assert first.exclude_hire_fire and "may not join" in first.note
    assert not now.exclude_hire_fire and "can hire or fire may now join" in now.note
    body = client.get("/chapters/berlin/").content.decode()
    assert "Managers may join, including those who can hire or fire." in body
    assert "without the power to hire or fire" not in body
    assert "can hire or fire may now join" in body
    milan = client.get("/chapters/milan/").content.decode()
    assert "People who can hire or fire, or decide who is hired or fired, may not join." in milan
