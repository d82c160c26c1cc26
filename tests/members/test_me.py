"""A person's own page: memberships, leaving, profile, data download, deleting the account."""

import io
import json

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from allauth.account.models import EmailAddress
from audit.models import AuditEvent
from members.models import ErasureRecord, Membership, User
from members.services import email_digest, reapply_erasures
from tests import factories
from tests.conftest import signed_in


def test_me_shows_own_memberships_and_requests_only(carol, pending, chapter_a, alice):
    body = signed_in(carol).get(reverse("members:me")).content.decode()
    assert "TWC Alpha" in body
    assert "Dana" not in body and "alice@" not in body


def test_leave_a_chapter_after_confirmation(carol, chapter_a):
    membership = Membership.objects.get(user=carol)
    client = signed_in(carol)
    url = reverse("members:leave", args=[membership.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.status == "left"


def test_nobody_can_leave_for_someone_else(carol, pending):
    url = reverse("members:leave", args=[pending.pk])
    assert signed_in(carol).post(url).status_code == 404
    assert signed_in(carol).post("/me/memberships/99999999999999/leave/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_profile_edit_saves_the_preferred_language(carol):
    client = signed_in(carol)
    response = client.post(reverse("members:profile"), {
        "display_name": "C.", "pronouns": "she/her", "work_kind": "qa",
        "languages": ["en", "de"], "preferred_language": "de"})
    assert response.status_code == 302
    carol.refresh_from_db()
    assert (carol.display_name, carol.preferred_language, carol.languages) == (
        "C.", "de", ["en", "de"])
    response = client.post(reverse("members:profile"), {"pronouns": "kept"})
    assert response.status_code == 400 and b"kept" in response.content


def test_data_export_contains_my_data_and_nobody_elses(carol, chapter_a, alice, pending):
    membership = Membership.objects.get(user=carol)
    membership.answers = {"owner_executive_investor": "no"}
    membership.decided_by = alice
    membership.save()
    response = signed_in(carol).get(reverse("members:export_data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    mine = data["members"]
    assert mine["profile"]["email"] == "carol@example.org"
    assert mine["memberships"][0]["answers"] == {"owner_executive_investor": "no"}
    assert mine["memberships"][0]["judged_under_chapter_policy"]["version"] >= 1
    text = response.content.decode()
    assert "alice" not in text and "dana" not in text.lower()


def test_export_requires_sign_in(client):
    assert client.get(reverse("members:export_data")).status_code == 302


def test_deleting_my_account_erases_data_keeps_counts_and_ends_sessions(carol, chapter_a):
    client = Client()
    client.force_login(carol)
    other_device = Client()
    other_device.force_login(carol)
    client.get(reverse("members:me"))
    other_device.get(reverse("members:me"))
    membership_pk = Membership.objects.get(user=carol).pk
    assert client.post(reverse("members:delete_account"), {}).status_code == 400
    response = client.post(reverse("members:delete_account"), {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(email="carol@example.org").exists()
    assert not EmailAddress.objects.filter(email="carol@example.org").exists()
    anonymous = Membership.objects.get(pk=membership_pk)
    assert anonymous.user is None and anonymous.answers == {}
    assert Membership.objects.filter(chapter=chapter_a).count() == 1
    assert other_device.get(reverse("members:me")).status_code == 302
    assert not any(s.get_decoded().get("_auth_user_id") == str(carol.pk)
                   for s in Session.objects.all())
    record = ErasureRecord.objects.get()
    assert "carol" not in record.email_hash
    assert record.email_hash == email_digest("carol@example.org", record.salt)
    event = AuditEvent.objects.get(action="account.deleted")
    assert "carol" not in (event.summary + json.dumps(event.details) + event.target_id)


def test_erasure_is_applied_again_after_a_restore(carol):
    from members.services import delete_account

    delete_account(carol)
    restored = factories.make_user("carol@example.org")
    factories.make_user("someone.else@example.org")
    call_command("reapply_erasures", stdout=io.StringIO())
    assert not User.objects.filter(pk=restored.pk).exists()
    assert User.objects.filter(email="someone.else@example.org").exists()
    assert ErasureRecord.objects.count() == 1
    assert reapply_erasures() == 0
