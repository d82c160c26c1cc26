"""Emails go out in the recipient's language, whichever app sends them."""

import pytest

from cdp import services as cdp_services
from onboarding import emails as onboarding_emails
from onboarding import services as onboarding_services
from tests.factories import make_application
from tests.factories import make_chapter, make_user
from tests.factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    calls = []

    def capture(to, template, context, language="", **kwargs):
        calls.append((to, template, language))

    monkeypatch.setattr(onboarding_emails, "enqueue_email", capture)
    monkeypatch.setattr(cdp_services, "enqueue_email", capture)
    return calls


def test_onboarding_email_follows_the_persons_saved_language(sent):
    make_user("lea@example.org", preferred_language="de")
    session = make_session(make_chapter(), language="en")
    onboarding_services.register(session, name="Lea", email="Lea@example.org")
    assert sent == [("lea@example.org", "onboarding/confirm_email", "de")]


def test_confirming_by_code_writes_in_the_persons_saved_language(sent):
    make_user("lea@example.org", preferred_language="de")
    session = make_session(make_chapter(), language="en")
    registration = onboarding_services.register(session, name="Lea", email="Lea@example.org")
    sent.clear()
    confirmed = onboarding_services.confirm_with_code(session, email="LEA@example.org ",
                                                      code=registration.code)
    assert confirmed is not None
    assert sent == [("lea@example.org", "onboarding/confirmed", "de")]


def test_onboarding_email_without_an_account_uses_the_sessions_language(sent):
    session = make_session(make_chapter(), language="it")
    onboarding_services.register(session, name="Gio", email="gio@example.org")
    assert sent[0][2] == "it"


def test_cdp_invitation_is_written_in_the_invited_persons_language(sent):
    applicant = make_user("applicant@example.org")
    make_user("amie@example.org", preferred_language="fr")
    application = make_application(applicant)
    cdp_services.invite(application, ["amie@example.org", "new@example.org"], actor=applicant)
    languages = {to: language for to, template, language in sent if template == "cdp/invited"}
    assert languages == {"amie@example.org": "fr", "new@example.org": "en"}


# (cdp/invited carries no application text at all: tests/cdp/test_invitation_limits.py)
@pytest.mark.parametrize("template", ["cdp/coach_assigned", "cdp/state_changed"])
def test_cdp_email_subjects_are_plain_text(template):
    from core.emails import render_email

    subject, _body = render_email(template, {
        "proposed_name": "Riders & Couriers", "state": "In review", "inviter": "Ines",
        "name": "Sam", "url": "/program/applications/1/", "note": ""})
    assert "Riders & Couriers" in subject and "&amp;" not in subject
