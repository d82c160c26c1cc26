"""Sessions end, a person can end all their other sessions, and roles need a second factor."""

import inspect

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit import permissions as audit_permissions
from cdp import permissions as cdp_permissions
from chapters import permissions as chapter_permissions
from members import permissions
from onboarding import permissions as onboarding_permissions
from outreach import permissions as outreach_permissions
from tests import factories
from tests.conftest import signed_in


def test_sessions_expire_within_two_weeks():
    assert 0 < settings.SESSION_COOKIE_AGE <= 14 * 24 * 3600
    assert not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE or settings.SESSION_COOKIE_AGE


def sign_in_by_code(email: str) -> Client:
    """A browser that signs in the way people do: an emailed code."""
    from django.core import mail

    from tests.login_codes import code_from

    client = Client()
    client.post(reverse("account_request_login_code"), {"email": email})
    response = client.post(reverse("account_confirm_login_code"),
                           {"code": code_from(mail.outbox[-1])})
    assert response.status_code == 302
    return client


def test_signing_out_everywhere_ends_the_other_sessions_only(carol):
    laptop, phone = sign_in_by_code(carol.email), sign_in_by_code(carol.email)
    me = reverse("members:me")
    assert laptop.get(me).status_code == 200
    assert phone.get(me).status_code == 200
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200 and page.context["session_count"] == 2

    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302

    assert laptop.get(me).status_code == 200
    response = phone.get(me)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signing_out_everywhere_leaves_other_peoples_sessions(carol, alice):
    carols, alices = sign_in_by_code(carol.email), signed_in(alice)
    assert alices.get(reverse("members:me")).status_code == 200
    carols.get(reverse("members:me"))
    carols.post(reverse("usersessions_list"))
    assert alices.get(reverse("members:me")).status_code == 200


def test_the_sessions_page_needs_a_sign_in(db):
    response = Client().post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The apps' permission modules whose predicates are asked about a chapter or an application.
PERMISSION_MODULES = (chapter_permissions, permissions, onboarding_permissions, cdp_permissions,
                      outreach_permissions, audit_permissions)


def all_predicates():
    """Every `may_*` predicate of those modules."""
    return sorted(
        (name, function) for module in PERMISSION_MODULES
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("may_") and function.__module__ == module.__name__
    )


def predicate_named(name):
    return dict(all_predicates())[name]


# Predicates open to people with no elevated role, so they must NOT demand MFA, with why.
# Each is still checked: with the person's elevated roles taken away it answers the same.
OPEN_TO_NON_ELEVATED = {
    "may_view_application": "an applicant reads their own application (status, history)",
    "may_edit_application": "an applicant edits their own application when asked to",
    "may_mark_milestones": "an applicant marks their group's milestone done",
    "may_read_coaching_log": "an applicant reads the coaching log of their own application",
    "may_act_as": "an applicant resubmits or withdraws their own application",
    "may_see_training_resources": "applicants read the program's training material",
}


def elevated_predicates():
    """The predicates for an organizer's, coach's or Global admin's action: each demands MFA."""
    return [(name, function) for name, function in all_predicates()
            if name not in OPEN_TO_NON_ELEVATED]


@pytest.fixture
def everything_but_mfa(chapter_a):
    """A Global admin (staff, so the admin's predicate applies) who coaches and organizes
    chapter A, without a second factor."""
    user = factories.make_user("all-roles@example.org", is_global_admin=True, is_coach=True,
                               is_staff=True)
    factories.make_membership(user, chapter_a, role="organizer")
    return user


@pytest.fixture
def objects(everything_but_mfa, chapter_a):
    """What a predicate is asked about, by the annotation of its parameter: chapter A, and an
    in-program application coached by the same person."""
    from tests.factories import make_application

    application = make_application(state="in_program", coach=everything_but_mfa)
    return {"Chapter": chapter_a, "Chapter | None": chapter_a, "Application": application,
            "str": "admin"}


def call(predicate, user, objects):
    """Ask the predicate about the object its signature names (chapter or application)."""
    parameters = list(inspect.signature(predicate).parameters.values())[1:]
    return predicate(user, *(objects[parameter.annotation] for parameter in parameters))


def test_there_are_elevated_predicates_to_check():
    names = [name for name, _ in elevated_predicates()]
    assert {"may_edit_chapter", "may_manage_members", "may_read_audit_log",
            "may_review_applications", "may_verify_milestones", "may_launch"} <= set(names)


def test_every_open_predicate_exists():
    assert set(OPEN_TO_NON_ELEVATED) <= {name for name, _ in all_predicates()}


@pytest.mark.parametrize("name", [name for name, _ in elevated_predicates()])
def test_every_elevated_predicate_refuses_without_mfa(name, everything_but_mfa, objects):
    assert not call(predicate_named(name), everything_but_mfa, objects)


@pytest.mark.parametrize("name", [name for name, _ in elevated_predicates()])
def test_every_elevated_predicate_allows_the_same_person_with_mfa(
    name, everything_but_mfa, objects
):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(everything_but_mfa, factories.TOTP_SECRET)
    user = type(everything_but_mfa).objects.get(pk=everything_but_mfa.pk)  # no cached answers
    assert call(predicate_named(name), user, objects), (
        f"{name}: a Global admin who coaches and organizes this chapter, with MFA, is refused"
    )


@pytest.mark.parametrize("name", sorted(OPEN_TO_NON_ELEVATED))
def test_open_predicates_let_a_plain_applicant_in_without_mfa(name, objects, everything_but_mfa):
    """The open ones are open for the applicant (no role, no MFA) and only for them: their
    coach and admin paths still demand MFA."""
    from cdp.models import ApplicationApplicant

    application = objects["Application"]
    application.state = "changes_requested" if name == "may_edit_application" else "in_program"
    application.save(update_fields=["state"])
    applicant = factories.make_user("plain-applicant@example.org")
    stranger = factories.make_user("stranger@example.org")
    ApplicationApplicant.objects.create(application=application, user=applicant)
    objects = {**objects, "str": "applicant"}
    predicate = predicate_named(name)
    assert call(predicate, applicant, objects)
    assert not call(predicate, stranger, objects)
    assert not call(predicate, everything_but_mfa, {**objects, "str": "admin"})


def test_a_role_without_mfa_is_sent_to_set_it_up_on_every_page_of_ours(everything_but_mfa):
    client = signed_in(everything_but_mfa)
    for url in ("/", reverse("members:me"), reverse("audit:log")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")



def test_people_with_a_second_factor_get_a_shorter_session(alice, carol):
    organizer, member = signed_in(alice), signed_in(carol)
    organizer.get(reverse("members:me"))
    member.get(reverse("members:me"))
    assert organizer.session.get_expiry_age() == settings.ELEVATED_SESSION_AGE
    assert settings.ELEVATED_SESSION_AGE <= 12 * 3600
    assert member.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_shortened_session_stops_working_once_it_expires(alice, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    organizer = signed_in(alice)
    assert organizer.get(reverse("members:me")).status_code == 200
    key = organizer.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    response = organizer.get(reverse("members:me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
