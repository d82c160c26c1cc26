"""The one table of allowed transitions: every allowed move works, every other is refused."""

import pytest
from django.core import mail

from audit.models import AuditAction, AuditEvent
from cdp import services
from cdp.enums import ApplicationState as S
from cdp.models import ApplicationEvent
from tests.factories import make_application
from tests.tasks import run_queued_tasks

ALLOWED = [(src, dst, role) for src, moves in services.TRANSITIONS.items()
           for dst, role in moves.items() if dst != S.LAUNCHED]
REFUSED = [(src, dst) for src in S.values for dst in S.values
           if dst not in services.TRANSITIONS[src]]


def _actor(role, applicant, admin_user):
    return admin_user if role == services.ADMIN else applicant


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst", "role"), ALLOWED)
def test_allowed_transition_records_event_audit_and_emails(src, dst, role, applicant,
                                                           admin_user):
    application = make_application(applicant, state=src)
    actor = _actor(role, applicant, admin_user)
    services.transition(application, dst, actor=actor, note="because", role=role)
    application.refresh_from_db()
    assert application.state == dst
    event = ApplicationEvent.objects.get(application=application)
    assert (event.from_state, event.to_state, event.actor, event.note) == (src, dst, actor,
                                                                          "because")
    assert AuditEvent.objects.filter(action=AuditAction.APPLICATION_TRANSITION,
                                     target_id=str(application.pk)).exists()
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert str(S(dst).label) in mail.outbox[0].subject
    assert "because" in mail.outbox[0].body
    assert f"/program/applications/{application.pk}/" in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst"), REFUSED)
def test_transition_outside_the_table_is_refused(src, dst, applicant, admin_user):
    application = make_application(applicant, state=src)
    for role in (services.ADMIN, services.APPLICANT):
        with pytest.raises(services.TransitionRefused):
            services.transition(application, dst, actor=admin_user, note="x", role=role)
    application.refresh_from_db()
    assert application.state == src
    assert not ApplicationEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst", "role"), ALLOWED)
def test_transition_by_the_wrong_role_is_refused(src, dst, role, applicant, admin_user):
    application = make_application(applicant, state=src)
    wrong = services.APPLICANT if role == services.ADMIN else services.ADMIN
    with pytest.raises(services.TransitionRefused):
        services.transition(application, dst, actor=admin_user, note="x", role=wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("dst", [S.DECLINED, S.CHANGES_REQUESTED])
def test_decline_and_request_changes_need_a_note(dst, applicant, admin_user):
    application = make_application(applicant, state=S.IN_REVIEW)
    with pytest.raises(services.TransitionRefused):
        services.transition(application, dst, actor=admin_user, note="  ", role=services.ADMIN)


@pytest.mark.django_db
def test_launch_is_not_a_plain_transition(applicant, admin_user):
    application = make_application(applicant, state=S.IN_PROGRAM)
    with pytest.raises(services.TransitionRefused):
        services.transition(application, S.LAUNCHED, actor=admin_user, role=services.ADMIN)


@pytest.mark.django_db
def test_unknown_state_is_refused(applicant, admin_user):
    application = make_application(applicant)
    with pytest.raises(services.TransitionRefused):
        services.transition(application, "bogus", actor=admin_user, role=services.ADMIN)
