from __future__ import annotations

from functools import lru_cache

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from core.locale import supported


class AccountAdapter(DefaultAccountAdapter):
    """allauth, speaking as the network: its emails name the network (not the host they
    were asked from), link to the public address, and are written in the language the
    person saved (else the one they are using the site in)."""

    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None) -> None:
        # Signed in by confirming a session sign-up: that page says so in its own words.
        if (getattr(request, "quiet_sign_in", False)
                and message_template == "account/messages/logged_in.txt"):
            return
        super().add_message(request, level, message_template, message_context, extra_tags,
                            message)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from .models import User

        context = {
            "network_name": settings.NETWORK_NAME,
            "site_url": settings.SITE_URL,
            "login_url": settings.SITE_URL + reverse("account_login"),
            **context,
        }
        saved = (User.objects.with_email(email).values_list("preferred_language", flat=True)
                 .first() if email else None)
        language = supported(saved) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

# Second-factor secrets (TOTP keys, recovery-code seeds) are stored as this prefix and a
# Fernet token; anything without it predates encryption (see encrypt_pending_secrets).
ENCRYPTED_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEYS is empty: set MFA_ENCRYPTION_KEY.")
    return MultiFernet([Fernet(key) for key in keys])


def _keys() -> MultiFernet:
    """The first key encrypts; every key decrypts, so a new key can be put first while the
    secrets still under the old one are re-encrypted (`manage.py rotate_mfa_key`)."""
    return _fernet(tuple(settings.MFA_ENCRYPTION_KEYS))


def is_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX)


def encrypt_secret(text: str) -> str:
    return ENCRYPTED_PREFIX + _keys().encrypt(text.encode()).decode("ascii")


def decrypt_secret(value: str) -> str:
    """The secret; a value stored before encryption came in is returned as it is."""
    if not is_encrypted(value):
        return value
    try:
        return _keys().decrypt(value[len(ENCRYPTED_PREFIX):].encode("ascii")).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A second-factor secret does not decrypt with any key of MFA_ENCRYPTION_KEY: "
            "was a key removed before `manage.py rotate_mfa_key` ran?") from error


def reencrypt_secret(value: str) -> str:
    """The same secret under the first key (plain values get encrypted)."""
    if not is_encrypted(value):
        return encrypt_secret(value)
    token = value[len(ENCRYPTED_PREFIX):].encode("ascii")
    return ENCRYPTED_PREFIX + _keys().rotate(token).decode("ascii")


def reencrypt_authenticator_data(kind: str, data: dict) -> dict:
    """An authenticator's `data` with every secret in it under the first key."""
    data = dict(data)
    if kind == "totp" and data.get("secret"):
        data["secret"] = reencrypt_secret(data["secret"])
    elif kind == "recovery_codes":
        if data.get("seed"):
            data["seed"] = reencrypt_secret(data["seed"])
        if data.get("migrated_codes") is not None:
            data["migrated_codes"] = [reencrypt_secret(c) for c in data["migrated_codes"]]
    return data


class MFAAdapter(DefaultMFAAdapter):
    """allauth's second factor, with its secrets encrypted at rest (MFA_ENCRYPTION_KEY):
    a copy of the database or a backup does not hand out everyone's TOTP keys."""

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
