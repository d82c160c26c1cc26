"""Every action the audit log must cover, made through the real pages, leaves an event."""

from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from tests import factories
from tests.factories import make_application


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_each_audited_action_through_its_page_leaves_an_event(
        alice, carol, admin_user, as_user, chapter_a):
    organizer, admin = as_user(alice), as_user(admin_user)
    newcomer = factories.make_user("newcomer@example.org")
    request = factories.make_membership(newcomer, chapter_a, status="pending")
    membership = carol.memberships.get(chapter=chapter_a)
    application = make_application(factories.make_user("founder@example.org"))
    actions = [
        (AuditAction.JOIN_REQUEST_DECIDED, organizer, "members:decide",
         {"slug": chapter_a.slug}, {"decide": f"approve:{request.pk}"}),
        (AuditAction.ROLE_CHANGED, organizer, "members:change_role",
         {"slug": chapter_a.slug, "pk": membership.pk}, {"role": "organizer"}),
        (AuditAction.MEMBERS_EXPORTED, organizer, "members:export_members",
         {"slug": chapter_a.slug}, {}),
        (AuditAction.MEMBER_REMOVED, organizer, "members:remove",
         {"slug": chapter_a.slug, "pk": membership.pk}, {"reason": "Broke the rules"}),
        (AuditAction.POLICY_CHANGED, organizer, "members:policy", {"slug": chapter_a.slug},
         {"exclude_owners_executives_investors": "on", "exclude_hire_fire": "on",
          "note": "Managers who can fire may not join"}),
        (AuditAction.CHAPTER_STATUS_CHANGED, admin, "chapters:status",
         {"slug": chapter_a.slug}, {"status": "dormant", "reason": "No meetings this year"}),
        (AuditAction.APPLICATION_TRANSITION, admin, "cdp:move", {"pk": application.pk},
         {"to_state": "in_review"}),
        (AuditAction.APPLICATION_TRANSITION, admin, "cdp:move", {"pk": application.pk},
         {"to_state": "declined", "note": "A chapter exists in this city"}),
    ]
    for action, client, name, kwargs, data in actions:
        before = _events(action)
        response = client.post(reverse(name, kwargs=kwargs), data)
        assert response.status_code in (200, 302), (name, response.status_code)
        assert _events(action) == before + 1, f"{name} left no {action} event"
        event = AuditEvent.objects.filter(action=action).latest("id")
        assert event.actor_id in (alice.pk, admin_user.pk), name
