"""Onboarding sessions a chapter schedules, and the registrations of people who sign up."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SessionFormat(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


# Statuses that hold one of the session's places.
PLACE_HOLDING = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW,
)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class SessionQuerySet(models.QuerySet):
    def public(self):
        """Sessions anyone may see: those of listed chapters."""
        return self.filter(chapter__is_listed=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def with_taken(self):
        """Annotate `taken`: places held by confirmed people (and those checked in).

        A subquery per row rather than a join with GROUP BY: the database then counts only
        the rows of the page shown (after ORDER BY and LIMIT), not every session's
        registrations, so a page costs the same however many sessions exist. `COUNT(*)`,
        not of the id: the (session, status) index alone answers it (an index-only scan),
        without reading each registration's row.
        """
        held = (
            Registration.objects.holding_places().filter(session=models.OuterRef("pk"))
            .order_by().values("session").annotate(n=models.Count("*")).values("n")
        )
        return self.annotate(
            taken=Coalesce(models.Subquery(held), 0,
                                            output_field=models.IntegerField()),
        )


class OnboardingSession(models.Model):
    chapter = models.ForeignKey(
        "chapters.Chapter", on_delete=models.CASCADE, related_name="onboarding_sessions",
        verbose_name=_("chapter"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    format = models.CharField(
        _("format"), max_length=10, choices=SessionFormat.choices, default=SessionFormat.ONLINE,
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    capacity = models.PositiveIntegerField(_("capacity"), default=20)
    facilitators = models.CharField(_("facilitators"), max_length=300, blank=True)
    venue_address = models.TextField(_("venue address"), blank=True)
    call_link = models.URLField(_("call link"), max_length=500, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices,
        default=SessionStatus.SCHEDULED,
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding session")
        verbose_name_plural = _("onboarding sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="session_capacity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_closes_at__lte=models.F("starts_at")),
                name="session_registration_closes_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SessionStatus.values), name="session_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["chapter", "starts_at"]),
            # Upcoming sessions in start order: the index alone tells which have ended.
            models.Index(fields=["starts_at", "ends_at"], name="session_upcoming_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def closes_at(self):
        """Registration closes at its closing time, and at the latest when the session starts."""
        return self.registration_closes_at or self.starts_at

    def is_open_for_registration(self, now=None) -> bool:
        """Open until it closes, unless cancelled or its chapter graduated or closed."""
        return (not self.is_cancelled and self.chapter.takes_newcomers
                and (now or timezone.now()) < self.closes_at)

    def places_taken(self) -> int:
        """The places held now, counted afresh (never an annotation read earlier): what a
        transition holding the session's lock decides on."""
        return self.registrations.holding_places().count()

    @property
    def places_left(self) -> int:
        taken = getattr(self, "taken", None)
        if taken is None:
            taken = self.places_taken()
        return max(self.capacity - taken, 0)


class RegistrationQuerySet(models.QuerySet):
    def holding_places(self):
        """The registrations that hold one of their session's places: every count of the
        places taken starts here (`places_taken()`, `with_taken()`)."""
        return self.filter(status__in=PLACE_HOLDING)


class Registration(models.Model):
    # No index of its own: (session, status) below serves every lookup by session, and
    # PostgreSQL, given both, may read a crowded session's every row to count its places.
    session = models.ForeignKey(
        OnboardingSession, on_delete=models.CASCADE, related_name="registrations",
        verbose_name=_("session"), db_index=False,
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="onboarding_registrations", verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    code = models.CharField(max_length=8, default=new_code, editable=False)
    email_confirmed = models.BooleanField(_("email confirmed"), default=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "session", Lower("email"),
                condition=~models.Q(status=RegistrationStatus.CANCELLED),
                name="registration_one_live_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=RegistrationStatus.PENDING)
                | models.Q(status=RegistrationStatus.CANCELLED)
                | models.Q(email_confirmed=True),
                name="registration_holds_place_only_when_email_confirmed",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"]),
            # A person's registrations by address (/me/, export, erasure), case-folded.
            models.Index(Lower("email"), name="registration_email_lower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.session_id}"

    @property
    def sees_private_details(self) -> bool:
        """Venue and call link: only for a confirmed place with a confirmed email."""
        return self.email_confirmed and self.status in PLACE_HOLDING
