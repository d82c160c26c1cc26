"""The audit log: Global admins with MFA read it; nobody edits or deletes it."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from audit.log import record
from audit.models import AuditAction, AuditEvent
from tests import factories


@pytest.fixture
def event(admin_user, chapter_a):
    return record(admin_user, AuditAction.CHAPTER_STATUS_CHANGED, chapter_a, chapter=chapter_a,
                  summary="Dormant", before="active", after="dormant")


def test_a_global_admin_with_mfa_reads_the_log(admin_user, as_user, event):
    response = as_user(admin_user).get(reverse("audit:log"))
    assert response.status_code == 200
    assert "Dormant" in response.content.decode()


@pytest.mark.parametrize("persona", ["carol", "bob", "alice", "coach"])
def test_everyone_else_is_refused(persona, request, as_user, event):
    response = as_user(request.getfixturevalue(persona)).get(reverse("audit:log"))
    assert response.status_code == 403
    assert "Dormant" not in response.content.decode()


def test_an_anonymous_visitor_is_refused(client, event):
    assert client.get(reverse("audit:log")).status_code == 403


def test_a_global_admin_without_mfa_is_sent_to_set_it_up(as_user, event):
    admin = factories.make_user("nomfa-admin@example.org", is_global_admin=True)
    response = as_user(admin).get(reverse("audit:log"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_log_can_be_filtered_by_action_and_ignores_unknown_actions(admin_user, as_user,
                                                                       event, chapter_a):
    record(admin_user, AuditAction.POLICY_CHANGED, chapter_a, summary="New rules")
    client = as_user(admin_user)
    page = client.get(reverse("audit:log"), {"action": AuditAction.POLICY_CHANGED})
    assert [e.action for e in page.context["page"]] == [AuditAction.POLICY_CHANGED]
    page = client.get(reverse("audit:log"), {"action": "drop table"})
    assert len(page.context["page"]) == 2


def test_an_event_cannot_be_changed(event):
    event.summary = "Rewritten"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Dormant"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_offers_no_add_change_or_delete(admin_user, event, as_user):
    # Not in Django's admin at all: the log is read at /audit/ (tests/security/test_admin.py).
    assert not site.is_registered(AuditEvent)
    client = as_user(admin_user)
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 404
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/",
                       {"post": "yes"}).status_code == 404
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def _fill(count: int, actor, chapter) -> None:
    for number in range(count):
        record(actor, AuditAction.ROLE_CHANGED, chapter, chapter=chapter, summary=f"#{number}")


def test_the_log_page_takes_the_same_queries_at_two_sizes(admin_user, as_user, chapter_a,
                                                          django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(admin_user)
    client.get(reverse("audit:log"))  # the first request settles the session
    _fill(3, admin_user, chapter_a)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("audit:log")).status_code == 200
    other = factories.make_user("other-admin@example.org", mfa=True, is_global_admin=True)
    _fill(40, other, factories.make_chapter("gamma"))
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("audit:log")).status_code == 200
