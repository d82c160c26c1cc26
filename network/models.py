"""The Global chapter's desk: inactive chapters flagged, help between chapters, the library."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdp.uploads import validate_resource_file


class InactivityResolution(models.TextChoices):
    ACTIVITY_RESUMED = "activity_resumed", _("Activity resumed")
    STILL_ACTIVE = "still_active", _("Kept as it is")
    SEMI_ACTIVE = "semi_active", _("Marked semi-active")
    DORMANT = "dormant", _("Marked dormant")


class InactiveChapterFlag(models.Model):
    """A chapter with no session and no organizer activity for 90 days: its organizers are
    told first; if nothing happens, Global admins review it."""

    chapter = models.ForeignKey("chapters.Chapter", on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("chapter"))
    flagged_at = models.DateTimeField(_("flagged at"), default=timezone.now)
    organizers_told_at = models.DateTimeField(_("organizers told at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    resolution = models.CharField(_("outcome"), max_length=20, blank=True,
                                  choices=InactivityResolution.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inactive chapter flag")
        verbose_name_plural = _("inactive chapter flags")
        ordering = ["flagged_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chapter"], condition=models.Q(resolved_at=None),
                                    name="one_open_inactivity_flag_per_chapter"),
            models.CheckConstraint(
                condition=models.Q(resolved_at=None, resolution="")
                | (~models.Q(resolved_at=None) & ~models.Q(resolution="")),
                name="inactivity_flag_resolved_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chapter} {self.flagged_at:%Y-%m-%d}"


class HelpKind(models.TextChoices):
    TRANSLATION = "translation", _("Translation")
    DESIGN = "design", _("Design")
    WEBSITE = "website", _("A website")
    LEGAL = "legal", _("Legal basics")
    SPEAKER = "speaker", _("A speaker")
    TRAINING = "training", _("A training")
    OTHER = "other", _("Something else")


class HelpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Help accepted")
    DONE = "done", _("Done")
    EXPIRED = "expired", _("Expired")


CLOSED_HELP_STATUSES = (HelpStatus.DONE, HelpStatus.EXPIRED)


class HelpRequest(models.Model):
    """A chapter's call for volunteer help, seen by the network's volunteers."""

    chapter = models.ForeignKey("chapters.Chapter", on_delete=models.CASCADE,
                                related_name="help_requests", verbose_name=_("chapter"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("posted by"))
    kind = models.CharField(_("kind of help"), max_length=20, choices=HelpKind.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("what is needed"))
    skill = models.CharField(_("skill"), max_length=120)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    hours = models.PositiveSmallIntegerField(_("rough hours"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=HelpStatus.choices,
                              default=HelpStatus.OPEN)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline", "id"], name="help_open_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=HelpStatus.values),
                                   name="help_status_valid"),
            models.CheckConstraint(condition=models.Q(hours__gte=1, hours__lte=500),
                                   name="help_hours_in_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_HELP_STATUSES


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    NOT_NEEDED = "not_needed", _("Not needed")


class HelpOffer(models.Model):
    """One person's offer to help with a request: seen by them and the chapter's organizers."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    # Null once the helper deleted their account.
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="help_offers",
                               verbose_name=_("helper"))
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=OfferStatus.choices,
                              default=OfferStatus.OFFERED)
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)

    class Meta:
        verbose_name = _("help offer")
        verbose_name_plural = _("help offers")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "helper"], name="one_offer_per_helper"),
            models.UniqueConstraint(fields=["request"],
                                    condition=models.Q(status=OfferStatus.ACCEPTED),
                                    name="one_accepted_offer_per_request"),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.request}"


class HelpMessage(models.Model):
    """A message in the private thread an accepted offer opens (also sent by email)."""

    offer = models.ForeignKey(HelpOffer, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    from_helper = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class Volunteer(models.Model):
    """A member of any chapter who chose to see other chapters' requests for help."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    since = models.DateTimeField(default=timezone.now)


def _keys(prefix: str, values) -> str:
    return "".join(f" {prefix}:{v}" for v in values)


class Material(models.Model):
    """A material in the network library, shared by one chapter for any chapter to reuse."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="network/library/", blank=True,
                            validators=[validate_resource_file])
    languages = models.JSONField(_("languages"), default=list)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # " lang:it tag:flyers ...": filtering by one language or tag the same way on every
    # database (SQLite has no JSON containment lookup).
    filter_keys = models.CharField(max_length=600, blank=True, editable=False)
    chapter = models.ForeignKey("chapters.Chapter", on_delete=models.CASCADE,
                                related_name="materials", verbose_name=_("shared by chapter"))
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("shared by"))
    created_at = models.DateTimeField(_("shared at"), default=timezone.now)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(url="") | ~models.Q(file=""),
                                   name="material_has_link_or_file"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.filter_keys = (_keys("lang", self.languages) + _keys("tag", self.tags) + " ")[:600]
        super().save(*args, **kwargs)
