from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from twc.i18n import supported


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
