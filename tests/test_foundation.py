"""The base: health check, production settings, demo data, accounts and the MFA rule."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chapters import permissions as chapter_permissions
from chapters.models import Chapter, PartnerOrganization
from members import permissions
from members.models import Membership, PolicyVersion, User
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with the project's settings and the given environment."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.pop("DATABASE_URL", None)
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not():
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    result = run_django(
        code, DJANGO_SETTINGS_MODULE="twc.settings", SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
    )
    assert result.stdout.startswith("503 "), result.stderr
    assert '"database": "unavailable"' in result.stdout


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
             "SECRET_KEY": "k3y-" + "a8Fz0qLm2xYw" * 5, "DJANGO_ALLOWED_HOSTS": "chapters.example.org"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_django("import django; django.setup()", DJANGO_SETTINGS_MODULE="twc.settings",
                        SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(gazetteer):
    call_command("load_demo")
    counts = {
        model.__name__: model.objects.count()
        for model in (Chapter, User, Membership, PolicyVersion, PartnerOrganization)
    }
    snapshot = sorted(Chapter.objects.values_list("slug", "status", "latitude", "longitude"))
    call_command("load_demo")
    assert counts == {
        model.__name__: model.objects.count()
        for model in (Chapter, User, Membership, PolicyVersion, PartnerOrganization)
    }
    assert snapshot == sorted(Chapter.objects.values_list("slug", "status", "latitude", "longitude"))
    slugs = set(Chapter.objects.values_list("slug", flat=True))
    assert {"berlin", "bologna", "milan", "rome", "turin", "new-york", "san-diego", "bay-area",
            "seattle", "washington-dc", "boston", "london", "global"} <= slugs
    london = Chapter.objects.get(slug="london")
    assert london.status == "graduated" and london.successor_url
    assert Chapter.objects.get(slug="global").kind == "online"


def _code_from(message) -> str:
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6,8})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_sign_up_needs_a_verified_email_and_no_password(client):
    response = client.post(reverse("account_signup"), {"email": "new@example.org"})
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert not user.has_usable_password()
    assert not EmailAddress.objects.get(user=user).verified
    # Not signed in until the address is verified.
    assert client.get(reverse("members:me")).status_code == 302
    code = _code_from(mail.outbox[-1])
    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("members:me")).status_code == 200


@pytest.mark.django_db
def test_sign_in_by_emailed_code(client):
    factories.make_user("coder@example.org")
    response = client.post(reverse("account_request_login_code"), {"email": "coder@example.org"})
    assert response.status_code == 302
    code = _code_from(mail.outbox[-1])
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("members:me")).status_code == 200


@pytest.mark.django_db
def test_wrong_login_code_does_not_sign_in(client):
    factories.make_user("coder@example.org")
    client.post(reverse("account_request_login_code"), {"email": "coder@example.org"})
    client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})
    assert client.get(reverse("members:me")).status_code == 302


@pytest.mark.django_db
def test_login_code_requests_are_rate_limited(client):
    factories.make_user("target@example.org")
    for _ in range(3):
        Client().post(reverse("account_request_login_code"), {"email": "target@example.org"})
    sent = len(mail.outbox)
    response = client.post(reverse("account_request_login_code"), {"email": "target@example.org"})
    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_a_login_code_stops_working_after_wrong_guesses(client):
    factories.make_user("target@example.org")
    client.post(reverse("account_request_login_code"), {"email": "target@example.org"})
    code = _code_from(mail.outbox[-1])
    for _ in range(3):
        client.post(reverse("account_confirm_login_code"), {"code": "AAAA-AAAA"})
    client.post(reverse("account_confirm_login_code"), {"code": code})
    assert client.get(reverse("members:me")).status_code == 302


@pytest.mark.django_db
def test_organizer_without_mfa_is_sent_to_set_it_up(chapter_a, as_user):
    organizer = factories.make_organizer(chapter_a, "nomfa@example.org", mfa=False)
    client = as_user(organizer)
    response = client.get(reverse("chapters:directory"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert not chapter_permissions.may_edit_chapter(organizer, chapter_a)
    assert not permissions.may_manage_members(organizer, chapter_a)


@pytest.mark.django_db
def test_organizer_with_mfa_acts_as_organizer(alice, chapter_a, chapter_b, as_user):
    assert as_user(alice).get(reverse("chapters:directory")).status_code == 200
    assert chapter_permissions.may_edit_chapter(alice, chapter_a)
    assert permissions.may_manage_members(alice, chapter_a)
    assert not permissions.may_manage_members(alice, chapter_b)


@pytest.mark.django_db
def test_a_member_without_mfa_browses_freely(carol, as_user):
    assert as_user(carol).get(reverse("chapters:directory")).status_code == 200


@pytest.mark.django_db
def test_global_admin_sees_counts_but_not_members(admin_user, chapter_a):
    assert permissions.may_see_member_counts(admin_user, chapter_a)
    assert not permissions.may_manage_members(admin_user, chapter_a)


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_base_layout_is_accessible_and_csp_ready(client):
    response = client.get("/")
    html = response.content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert 'name="language"' in html
    assert "<script>" not in html and "onclick" not in html and "style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
