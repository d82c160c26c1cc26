from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChaptersConfig(AppConfig):
    name = "chapters"
    verbose_name = _("Chapters")

    def ready(self) -> None:
        from core import pagecache

        # What the directory, the chapter pages and the API show (core.pagecache).
        for table in ("chapters_chapter", "chapters_partnerorganization", "chapters_peernetwork",
                      "chapters_peerchapter", "chapters_chapterdescription"):
            pagecache.watch(table, pagecache.CHAPTERS)
