"""Second-factor secrets are stored encrypted (members/adapters.py, MFA_ENCRYPTION_KEY):
a copy of the database holds no TOTP key in the clear, the demo secret still signs in, keys
rotate, and secrets stored before encryption are encrypted by a migration."""

import importlib
import io
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from cryptography.fernet import Fernet
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from members.demo import DEMO_TOTP_SECRET
from tests import factories
from tests.privacy_search import tables_holding
from tests.processes import run_django

PASSWORD = "a long password 123"


def code_now(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def sign_in_with_totp(email: str, secret: str) -> Client:
    """Through allauth's pages, as people sign in: the code emailed to them, then the code
    from their authenticator app."""
    client = Client()
    sent = len(mail.outbox)
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302
    body = mail.outbox[sent].body
    emailed = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6,})\s*$", body, re.MULTILINE)
    response = client.post(response["Location"], {"code": emailed.group(1)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code_now(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.session.get("_auth_user_id")
    return client


def test_no_totp_secret_is_stored_in_the_clear(db):
    user = factories.make_user("org.secret@example.org", mfa=True)
    RecoveryCodes.activate(user)
    totp = Authenticator.objects.get(user=user, type="totp")
    assert totp.data["secret"].startswith("fernet:")
    assert factories.TOTP_SECRET not in str(totp.data)
    seed = Authenticator.objects.get(user=user, type="recovery_codes").data["seed"]
    assert seed.startswith("fernet:")
    assert tables_holding(factories.TOTP_SECRET) == []


def test_the_demo_secret_still_signs_in(db):
    user = factories.make_user("demo.like@example.org", password=PASSWORD,
                               is_global_admin=True, is_staff=True)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    client = sign_in_with_totp(user.email, DEMO_TOTP_SECRET)
    assert client.get("/admin/").status_code == 200


def test_a_new_key_takes_over_and_the_old_one_can_go(db, settings):
    old_key = settings.MFA_ENCRYPTION_KEYS[0]
    user = factories.make_user("rotating@example.org", password=PASSWORD, mfa=True)
    before = Authenticator.objects.get(user=user, type="totp").data["secret"]
    new_key = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_mfa_key", stdout=out)
    assert "1 authenticator(s)" in out.getvalue()
    after = Authenticator.objects.get(user=user, type="totp").data["secret"]
    assert after != before
    settings.MFA_ENCRYPTION_KEYS = [new_key]
    sign_in_with_totp(user.email, factories.TOTP_SECRET)
    settings.MFA_ENCRYPTION_KEYS = [old_key]  # the old key alone no longer reads it
    with pytest.raises(Exception, match="MFA_ENCRYPTION_KEY"):
        TOTP(Authenticator.objects.get(user=user, type="totp")).validate_code("000000")


def test_secrets_stored_before_encryption_are_encrypted_by_the_migration(db):
    user = factories.make_user("legacy@example.org", password=PASSWORD, mfa=True)
    RecoveryCodes.activate(user)
    # As allauth stored them before: in the clear.
    Authenticator.objects.filter(user=user, type="totp").update(
        data={"secret": factories.TOTP_SECRET})
    Authenticator.objects.filter(user=user, type="recovery_codes").update(
        data={"seed": "ab" * 40, "used_mask": 0})
    assert tables_holding(factories.TOTP_SECRET)
    sign_in_with_totp(user.email, factories.TOTP_SECRET)  # still works meanwhile

    migration = importlib.import_module("members.migrations.0005_secadmin_totp_encrypt")
    migration.encrypt_secrets(apps, None)
    migration.encrypt_secrets(apps, None)  # twice is harmless
    assert tables_holding(factories.TOTP_SECRET) == []
    assert tables_holding("ab" * 40) == []
    cache.clear()  # allauth refuses a code already used: forget the first sign-in's
    sign_in_with_totp(user.email, factories.TOTP_SECRET)
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    assert len(codes.generate_codes()) > 0

    migration.decrypt_secrets(apps, None)  # and back, for a rollback
    assert Authenticator.objects.get(user=user, type="totp").data == {
        "secret": factories.TOTP_SECRET}


def test_the_migration_leaves_nobody_a_superuser(db):
    from members.models import User

    factories.make_user("was.super@example.org", is_superuser=True, is_staff=True)
    migration = importlib.import_module("members.migrations.0005_secadmin_totp_encrypt")
    migration.no_superusers(apps, None)
    assert not User.objects.filter(is_superuser=True).exists()


def test_production_refuses_to_start_without_the_key():
    result = run_django("import django; django.setup()", DJANGO_SETTINGS_MODULE="twc.settings",
                        SECRET_KEY="x" * 60, MFA_ENCRYPTION_KEY="")
    assert result.returncode != 0
    assert "Set MFA_ENCRYPTION_KEY" in result.stderr
    result = run_django("import django; django.setup()", DJANGO_SETTINGS_MODULE="twc.settings",
                        SECRET_KEY="x" * 60, MFA_ENCRYPTION_KEY="not-a-key")
    assert result.returncode != 0
    assert "32 url-safe base64-encoded bytes" in result.stderr


def test_the_operations_guide_names_the_key_and_the_rotation_command():
    from pathlib import Path

    from django.core.management import get_commands

    guide = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    assert "`MFA_ENCRYPTION_KEY`" in guide and "manage.py rotate_mfa_key" in guide
    assert "rotate_mfa_key" in get_commands()
