from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


ANNOUNCEMENTS = "announcements"  # the public announcements on a chapter page


class OutreachConfig(AppConfig):
    """Chapters talk to their people: follows, place watches, announcements, deliveries.

    Sits above onboarding and cdp: it hears about new sessions and launches through their
    signals and never the other way round.
    """

    name = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from core import pagecache

        # A chapter page shows its latest public announcements (`chapter_follow`).
        pagecache.watch("outreach_message", ANNOUNCEMENTS)

        from cdp import signals as cdp_signals
        from onboarding import signals as onboarding_signals

        from . import jobs, receivers  # noqa: F401  (jobs registers the periodic jobs)

        onboarding_signals.session_published.connect(
            receivers.on_session_published, dispatch_uid="outreach.session_published")
        cdp_signals.chapter_launched.connect(
            receivers.on_chapter_launched, dispatch_uid="outreach.chapter_launched")
        cdp_signals.revival_requested.connect(
            receivers.on_revival_requested, dispatch_uid="outreach.revival_requested")
