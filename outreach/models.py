"""Follows, place watches, messages (announcements and notices) and their deliveries."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class FollowChoice(models.TextChoices):
    SESSIONS = "sessions", _("Every new session, at once")
    DIGEST = "digest", _("A weekly digest")
    ANNOUNCEMENTS = "announcements", _("Announcements only")
    # Kept as a "do not write to me" record: after an unsubscribe, or a member's opt-out.
    OFF = "off", _("Nothing (unsubscribed)")


# What a member of a chapter gets when they have not chosen: members follow their chapter.
MEMBER_DEFAULT_CHOICE = FollowChoice.SESSIONS


class FollowQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def receiving(self, *choices: str):
        """Confirmed follows that want one of these kinds of email."""
        return self.confirmed().filter(choice__in=choices)


class Follow(models.Model):
    """An email address (or a person) that hears from a chapter; never listed to anyone.

    `chapter` is null for the network-level record (an opt-out of network-wide
    announcements). The address is stored lower-cased.
    """

    chapter = models.ForeignKey(
        "chapters.Chapter", on_delete=models.CASCADE, null=True, blank=True,
        related_name="follows", verbose_name=_("chapter"))
    email = models.EmailField(_("email"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="follows", verbose_name=_("person"))
    choice = models.CharField(_("what to receive"), max_length=20, choices=FollowChoice.choices,
                              default=FollowChoice.SESSIONS)
    language = models.CharField(_("language"), max_length=10, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_digest_at = models.DateTimeField(_("last digest at"), null=True, blank=True)
    # A change asked for by email to a confirmed follow: applied when its link is clicked.
    pending_choice = models.CharField(max_length=20, choices=FollowChoice.choices, blank=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint("chapter", Lower("email"), name="follow_one_per_address"),
            models.UniqueConstraint(Lower("email"), condition=models.Q(chapter__isnull=True),
                                    name="follow_one_network_record_per_address"),
        ]
        indexes = [
            models.Index(fields=["chapter", "choice"], name="follow_chapter_choice",
                         condition=models.Q(confirmed_at__isnull=False)),
            models.Index(fields=["created_at"], name="follow_unconfirmed_created",
                         condition=models.Q(confirmed_at__isnull=True)),
            # A person's follows by address (/me/, erasure): stored lower-cased.
            models.Index(fields=["email"], name="follow_email"),
        ]

    def __str__(self) -> str:
        return f"follow #{self.pk}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class PlaceWatch(models.Model):
    """Someone who asked to be told when a chapter starts within 100 km of a place.

    Coordinates are rounded to two decimals (about a kilometre): enough for 100 km.
    """

    email = models.EmailField(_("email"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="place_watches", verbose_name=_("person"))
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("place watch")
        verbose_name_plural = _("place watches")
        constraints = [
            models.UniqueConstraint(Lower("email"), "latitude", "longitude",
                                    name="placewatch_one_per_address_and_place"),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="placewatch_point"),
                   # A person's watches by address (/me/, erasure): stored lower-cased.
                   models.Index(fields=["email"], name="placewatch_email")]

    def __str__(self) -> str:
        return f"place watch #{self.pk}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class MessageKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Announcement")
    SESSION = "session", _("New session")
    DIGEST = "digest", _("Weekly digest")
    LAUNCH = "launch", _("A chapter starts near you")
    REVIVAL = "revival", _("A chapter is coming back")


class Audience(models.TextChoices):
    FOLLOWERS = "followers", _("Followers")
    MEMBERS = "members", _("Members")
    REGISTRANTS = "registrants", _("People registered for an upcoming session")


class TextFormat(models.TextChoices):
    PLAIN = "plain", _("Plain text")
    MARKDOWN = "markdown", _("Markdown (bold, italics, links, lists)")


class Message(models.Model):
    """One thing said to many people: an organizer's announcement or an automatic notice.

    Automatic notices have a `key` ("session:12", "revival:4"): the unique key makes them
    idempotent, a signal heard twice says nothing twice.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    chapter = models.ForeignKey(
        "chapters.Chapter", on_delete=models.CASCADE, null=True, blank=True,
        related_name="messages", verbose_name=_("chapter"))
    session = models.ForeignKey(
        "onboarding.OnboardingSession", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("session"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices,
                                default=Audience.FOLLOWERS)
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    body = models.TextField(_("text"), blank=True)
    text_format = models.CharField(_("format"), max_length=10, choices=TextFormat.choices,
                                   default=TextFormat.PLAIN)
    is_public = models.BooleanField(_("public"), default=False)
    # Notices: what they are about (session ids of a digest, the application of a revival).
    details = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    # Raised by the sender after each batch: a message whose progress stalls is resumed.
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["chapter", "-sent_at"], name="message_public_by_chapter",
                         condition=models.Q(is_public=True, sent_at__isnull=False)),
            models.Index(fields=["progress_at"], name="message_unfinished",
                         condition=models.Q(sent_at__isnull=False, finished_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.sent_at is None


class Delivery(models.Model):
    """One recipient of one message: created in bulk when the send is confirmed, marked
    sent in the same transaction as its email goes out."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    language = models.CharField(max_length=10, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    # The mail server refused this one address for good: done with, not sent.
    refused = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint("message", "email", name="delivery_once_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["message", "id"], name="delivery_unsent",
                         condition=models.Q(sent_at__isnull=True)),
            models.Index(Lower("email"), name="delivery_email"),
        ]

    def __str__(self) -> str:
        return f"delivery #{self.pk}"
