"""A graduated or closed chapter schedules no new sessions: create_session refuses it."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from onboarding import services
from onboarding.models import OnboardingSession

from .test_manage_sessions import FORM


@pytest.mark.parametrize("status", ["closed", "graduated"])
def test_create_session_refuses_a_chapter_that_takes_no_newcomers(chapter_a, alice, status):
    chapter_a.status = status
    chapter_a.save()
    starts = timezone.now() + dt.timedelta(days=7)
    with pytest.raises(services.NoNewSessions):
        services.create_session(chapter_a, actor=alice, title="Welcome", starts_at=starts,
                                ends_at=starts + dt.timedelta(hours=1))
    assert not OnboardingSession.objects.exists()
    assert not AuditEvent.objects.filter(action="session.changed").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_new_session_form_of_a_closed_chapter_sends_the_organizer_back(
        chapter_a, alice, as_user, method):
    chapter_a.status = "closed"
    chapter_a.save()
    url = reverse("onboarding:create", args=[chapter_a.slug])
    client = as_user(alice)
    response = client.get(url) if method == "get" else client.post(url, FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding:manage", args=[chapter_a.slug])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This chapter has graduated or closed: it schedules no new sessions."]
    assert not OnboardingSession.objects.exists()


def test_a_chapter_closed_while_the_form_was_open_gets_no_session(chapter_a, alice, as_user,
                                                                  monkeypatch):
    real = services.check_may_schedule
    calls = []

    def closes_after_the_form_was_checked(chapter):
        calls.append(chapter)
        if len(calls) > 1:
            chapter.status = "closed"
        real(chapter)

    monkeypatch.setattr(services, "check_may_schedule", closes_after_the_form_was_checked)
    response = as_user(alice).post(reverse("onboarding:create", args=[chapter_a.slug]), FORM)
    assert response.status_code == 302 and len(calls) == 2
    assert response["Location"] == reverse("onboarding:manage", args=[chapter_a.slug])
    assert not OnboardingSession.objects.exists()
