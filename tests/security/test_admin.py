"""No side door through Django's admin: it shows and changes only what the permission
predicates allow (members/admin_site.py), whatever Django flags a person carries."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from cdp.models import Milestone, MilestoneProgress
from members import permissions
from members.admin_site import PredicateAdmin
from onboarding.models import Registration
from onboarding.models import RegistrationStatus as S
from tests import factories
from tests.conftest import signed_in
from tests.factories import CALL, make_registration, make_session

# What the app's pages keep to organizers, the person themselves, or nobody.
NOT_IN_THE_ADMIN = [
    "/admin/onboarding/registration/", "/admin/onboarding/onboardingsession/",
    "/admin/account/emailaddress/", "/admin/mfa/authenticator/",
    "/admin/usersessions/usersession/", "/admin/django_tasks_database/dbtaskresult/",
    "/admin/auth/group/", "/admin/cdp/application/", "/admin/audit/auditevent/",
]


@pytest.fixture
def superuser(db):
    """The careless set-up: a Global admin who is also a Django superuser, with MFA."""
    return factories.make_user("super@example.org", mfa=True, is_global_admin=True,
                               is_staff=True, is_superuser=True)


def test_the_admin_holds_only_predicate_models():
    registry = admin.site._registry
    assert {model._meta.label for model in registry} == {"cdp.Milestone", "cdp.TrainingResource"}
    assert all(isinstance(model_admin, PredicateAdmin) for model_admin in registry.values())


@pytest.mark.parametrize("path", NOT_IN_THE_ADMIN)
def test_even_a_superuser_finds_no_private_data_in_the_admin(superuser, path):
    assert signed_in(superuser).get(path).status_code == 404


def test_the_admin_index_names_no_private_models(superuser):
    body = signed_in(superuser).get("/admin/").content.decode()
    assert "Milestones" in body
    for word in ("Registrations", "Onboarding sessions", "Email addresses", "Authenticators",
                 "User sessions", "Task Results", "Groups", "Applications", "Audit events"):
        assert word not in body


def test_the_admin_cannot_confirm_a_fifth_person_into_four_places(superuser, chapter_a):
    session = make_session(chapter_a, capacity=4)
    for n in range(4):
        make_registration(session, f"held{n}@example.org")
    fifth = make_registration(session, "fifth@example.org", status=S.WAITLISTED)
    response = signed_in(superuser).post(
        f"/admin/onboarding/registration/{fifth.pk}/change/",
        {"session": session.pk, "name": "Fifth", "email": "fifth@example.org",
         "status": S.CONFIRMED, "email_confirmed": "on"})
    assert response.status_code == 404
    fifth.refresh_from_db()
    assert fifth.status == S.WAITLISTED
    assert Registration.objects.filter(session=session, status=S.CONFIRMED).count() == 4


def test_no_call_link_or_venue_is_shown_anywhere_in_the_admin(superuser, chapter_a):
    session = make_session(chapter_a)
    client = signed_in(superuser)
    for path in ("/admin/", "/admin/cdp/", "/admin/cdp/milestone/",
                 f"/admin/onboarding/onboardingsession/{session.pk}/change/"):
        assert CALL not in client.get(path).content.decode()


def test_superuser_and_staff_flags_alone_open_nothing(db):
    no_role = factories.make_user("flags@example.org", mfa=True, is_staff=True,
                                  is_superuser=True)
    response = signed_in(no_role).get("/admin/")
    assert response.status_code == 403
    assert not permissions.may_use_admin(no_role)
    for model_admin in admin.site._registry.values():
        request = type("Request", (), {"user": no_role})()
        assert not model_admin.has_view_permission(request)
        assert not model_admin.has_change_permission(request)


def test_a_global_admin_needs_staff_and_a_second_factor(db):
    not_staff = factories.make_user("notstaff@example.org", mfa=True, is_global_admin=True)
    assert signed_in(not_staff).get("/admin/").status_code == 403
    no_mfa = factories.make_user("nomfa@example.org", is_global_admin=True, is_staff=True)
    response = signed_in(no_mfa).get("/admin/")
    # The second-factor rule sends them to set it up; the admin itself would refuse.
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("mfa_index"))
    assert not permissions.may_use_admin(no_mfa)


def test_the_admin_login_never_takes_a_password(db):
    staff = factories.make_user("pw@example.org", password="a long password 123",
                                mfa=True, is_global_admin=True, is_staff=True)
    client = Client()
    response = client.post("/admin/login/?next=/admin/",
                           {"username": staff.email, "password": "a long password 123"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    # Signed in (through allauth), the admin login page sends a Global admin on, never
    # to another login form, and refuses anyone else.
    response = signed_in(staff).get("/admin/login/?next=/admin/cdp/")
    assert response.status_code == 302 and response["Location"] == "/admin/cdp/"
    assert signed_in(staff).get(
        "/admin/login/?next=https://evil.example/")["Location"] == "/admin/"
    member = factories.make_user("plain@example.org", is_staff=True)
    assert signed_in(member).post("/admin/login/", {"username": staff.email,
                                                    "password": "a long password 123"}
                                  ).status_code == 403


def test_the_admin_login_is_wrapped_by_allauth():
    """allauth's secure_admin_login sends anyone signed out to its own sign-in."""
    assert admin.site.login.__code__.co_filename.endswith("allauth/account/decorators.py")


def test_every_change_to_program_content_is_in_the_audit_log(admin_user):
    client = signed_in(admin_user)
    response = client.post("/admin/cdp/milestone/add/", {
        "order": 5, "title": "First public meeting", "description": "", "required": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    milestone = Milestone.objects.get(title="First public meeting")
    response = client.post(f"/admin/cdp/milestone/{milestone.pk}/change/", {
        "order": 6, "title": "First public meeting", "description": "In a library"})
    assert response.status_code == 302
    response = client.post(f"/admin/cdp/milestone/{milestone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    events = list(AuditEvent.objects.filter(action="admin.changed").order_by("id"))
    assert [e.details["change"] for e in events] == ["added", "changed", "deleted"]
    assert all(e.actor == admin_user and e.target_id == str(milestone.pk) for e in events)
    assert set(events[1].details["fields"]) == {"order", "description", "required"}


def test_a_milestone_with_recorded_progress_cannot_be_deleted(admin_user):
    from tests.factories import make_application, make_milestone

    milestone = make_milestone("Core group", required=True)
    application = make_application(state="in_program")
    MilestoneProgress.objects.create(application=application, milestone=milestone)
    client = signed_in(admin_user)
    assert client.post(f"/admin/cdp/milestone/{milestone.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    # Nor in bulk from the list (Django's bulk delete asks each object), superuser or not.
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    signed_in(admin_user).post("/admin/cdp/milestone/", {
        "action": "delete_selected", "_selected_action": [milestone.pk], "post": "yes"})
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert MilestoneProgress.objects.filter(milestone=milestone).exists()


def test_nobody_is_a_superuser_in_the_demo(gazetteer):
    from django.core.management import call_command

    from members.models import User

    call_command("load_demo")
    admin_person = User.objects.get(email="admin@example.org")
    assert admin_person.is_global_admin and admin_person.is_staff
    assert not User.objects.filter(is_superuser=True).exists()
    assert permissions.may_use_admin(admin_person)


def test_createsuperuser_makes_a_global_admin_not_a_superuser(db):
    from members.models import User

    person = User.objects.create_superuser("first.admin@example.org")
    assert person.is_global_admin and person.is_staff and not person.is_superuser
