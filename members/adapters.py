from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """allauth, told about the network's name for its emails."""

    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL
