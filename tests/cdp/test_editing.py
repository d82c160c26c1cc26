"""Editing an application is a change like every other: a step in its history, an audit entry."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cdp import services
from cdp.enums import ApplicationState as S
from cdp.enums import EventKind
from cdp.models import ApplicationEvent
from tests.factories import make_application


@pytest.fixture
def to_change(applicant, lisbon):
    return make_application(applicant, place=lisbon, state=S.CHANGES_REQUESTED)


def test_an_edit_records_its_step_and_audit_entry(to_change, applicant):
    services.edit_application(to_change, actor=applicant, proposed_name="TWC Lisboa",
                              why=to_change.why)
    to_change.refresh_from_db()
    assert to_change.proposed_name == "TWC Lisboa"
    event = ApplicationEvent.objects.get(application=to_change, kind=EventKind.EDIT)
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        applicant, S.CHANGES_REQUESTED, S.CHANGES_REQUESTED, "")
    audit = AuditEvent.objects.get(target_id=str(to_change.pk), action="application.transition")
    assert audit.actor == applicant and audit.details["fields"] == ["proposed_name"]


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW, S.IN_PROGRAM, S.DECLINED])
def test_an_application_is_edited_only_while_changes_are_requested(applicant, lisbon, state):
    application = make_application(applicant, place=lisbon, state=state)
    with pytest.raises(services.TransitionRefused):
        services.edit_application(application, actor=applicant, proposed_name="TWC Other")
    application.refresh_from_db()
    assert application.proposed_name != "TWC Other"
    assert not application.events.filter(kind=EventKind.EDIT).exists()


def test_an_edit_cannot_move_the_state(to_change, applicant):
    with pytest.raises(ValueError):
        services.edit_application(to_change, actor=applicant, state=S.IN_PROGRAM)


def test_the_edit_page_records_the_step_and_the_history_shows_it(to_change, applicant,
                                                                 lisbon, as_user):
    client = as_user(applicant)
    data = {"proposed_name": "TWC Lisboa", "kind": "local", "city": "Lisbon",
            "place": str(lisbon.pk), "core_group_size": "5", "why": "More detail."}
    assert client.post(reverse("cdp:edit", args=[to_change.pk]), data).status_code == 302
    assert to_change.events.filter(kind=EventKind.EDIT, actor=applicant).count() == 1
    assert AuditEvent.objects.filter(target_id=str(to_change.pk), actor=applicant).exists()
    html = client.get(reverse("cdp:detail", args=[to_change.pk])).content.decode()
    history = html[html.index('id="history-heading"'):]
    assert "Application edited" in history and "Coach assigned" not in history
