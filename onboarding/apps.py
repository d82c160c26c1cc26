from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self) -> None:
        from core import pagecache

        # The sessions list and a chapter's next sessions, with places left.
        pagecache.watch("onboarding_onboardingsession", pagecache.SESSIONS)
        pagecache.watch("onboarding_registration", pagecache.SESSIONS)

        from . import jobs  # noqa: F401  (registers the periodic jobs)
