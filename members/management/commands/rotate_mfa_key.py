"""Re-encrypt every second-factor secret under the first key of MFA_ENCRYPTION_KEY."""

from django.core.management.base import BaseCommand
from django.db import transaction

from members.adapters import reencrypt_authenticator_data


class Command(BaseCommand):
    help = ("Re-encrypt every TOTP secret and recovery-code seed under the first key of "
            "MFA_ENCRYPTION_KEY (after putting a new key first); then the old key may go.")

    def handle(self, *args, **options) -> None:
        from allauth.mfa.models import Authenticator

        count = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().iterator():
                authenticator.data = reencrypt_authenticator_data(authenticator.type,
                                                                  authenticator.data)
                authenticator.save(update_fields=["data"])
                count += 1
        self.stdout.write(f"{count} authenticator(s) re-encrypted under the first key.")
