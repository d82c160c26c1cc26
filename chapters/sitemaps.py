from django.contrib.sitemaps import Sitemap

from .models import Chapter


class ChapterSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Chapter.objects.listed().only("slug", "updated_at").order_by("slug")

    def lastmod(self, chapter: Chapter):
        return chapter.updated_at
