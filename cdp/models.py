"""Applications to start a chapter, their history, the program's milestones and resources."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapters.enums import ChapterKind
from chapters.validators import validate_chapter_name
from members.models import PolicyRules

from .enums import ApplicationState, EventKind
from .uploads import validate_resource_file


class Application(PolicyRules):
    """A group's request to start a chapter, from submission to launch or decline."""

    proposed_name = models.CharField(_("proposed name"), max_length=120,
                                     validators=[validate_chapter_name])
    kind = models.CharField(
        _("local or online"), max_length=10, choices=ChapterKind.choices,
        default=ChapterKind.LOCAL,
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country code"), max_length=2, blank=True)
    place = models.ForeignKey(
        "chapters.Place", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("place"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    core_group_size = models.PositiveSmallIntegerField(_("people in the core group"), default=1)
    why = models.TextField(_("why start a chapter"))
    sectors = models.TextField(_("workplaces or sectors involved"), blank=True)
    how_heard = models.CharField(_("how you heard of the network"), max_length=300, blank=True)
    # What the chapter's public page will say once it launches (chapters.Chapter's fields).
    description = models.TextField(_("what the chapter is about"), blank=True)
    contact_email = models.EmailField(_("the chapter's contact email"), blank=True)
    meeting_frequency = models.CharField(_("how often the chapter will meet"), max_length=120,
                                         blank=True)
    # The membership rules the group adopts (its chapter's first policy version at launch)
    # are members.PolicyRules'; a group starts out excluding owners, executives and
    # investors.
    exclude_owners_executives_investors = models.BooleanField(
        _("exclude owners, executives and investors"), default=True,
    )

    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices,
        default=ApplicationState.SUBMITTED, db_index=True,
    )
    applicants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ApplicationApplicant", related_name="applications",
        verbose_name=_("applicants"),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="coached_applications", verbose_name=_("coach"),
    )
    chapter = models.OneToOneField(
        "chapters.Chapter", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="application", verbose_name=_("launched chapter"),
    )
    # A revival: the dormant chapter this group wants to bring back. Launched, the same
    # chapter (slug, page, history) becomes active again; `chapter` then stays empty, since
    # the chapter may already belong to the application that first launched it.
    revives = models.ForeignKey(
        "chapters.Chapter", on_delete=models.PROTECT, null=True, blank=True,
        related_name="revival_applications", verbose_name=_("chapter to revive"),
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("chapter application")
        verbose_name_plural = _("chapter applications")
        ordering = ["-state_changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state=ApplicationState.LAUNCHED, chapter__isnull=False)
                | models.Q(state=ApplicationState.LAUNCHED, revives__isnull=False)
                | ~models.Q(state=ApplicationState.LAUNCHED),
                name="launched_application_has_chapter",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ApplicationState.values),
                name="application_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(core_group_size__gte=1), name="core_group_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.proposed_name

    @property
    def launched_chapter(self):
        """The chapter this application put in the directory: a new one, or the revived."""
        if self.state != ApplicationState.LAUNCHED:
            return None
        return self.chapter or self.revives

    @property
    def is_final(self) -> bool:
        from .enums import FINAL_STATES

        return self.state in FINAL_STATES


class ApplicationApplicant(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "user"], name="applicant_unique"),
        ]


class ApplicationInvitation(models.Model):
    """A co-applicant invited by email: signed in with that address, they are an applicant."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "email"], name="invitation_unique"),
        ]


class ApplicationEvent(models.Model):
    """One step of an application's history: who moved it, when, from where to where, why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("who"),
    )
    from_state = models.CharField(_("from"), max_length=20, choices=ApplicationState.choices,
                                  blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=ApplicationState.choices)
    note = models.TextField(_("why"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices,
                            default=EventKind.STATE)
    # A step that assigned a coach keeps the state (from_state == to_state) and names her
    # here; the name goes when her account does, the step stays.
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("coach assigned"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class TrainingResource(models.Model):
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(
        _("file"), upload_to="cdp/resources/", blank=True, validators=[validate_resource_file],
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default="en")

    class Meta:
        verbose_name = _("training resource")
        verbose_name_plural = _("training resources")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(file=""), name="resource_has_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A step of the program, configured by the network."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required = models.BooleanField(_("required for launch"), default=True)
    run_by_coach = models.BooleanField(
        _("run by the coach"), default=False,
        help_text=_("The coach runs this step (an intro call) and records it herself; the "
                    "group does not mark it done."),
    )
    resources = models.ManyToManyField(TrainingResource, blank=True, related_name="milestones",
                                       verbose_name=_("resources"))

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class MilestoneProgress(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="progress")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "milestone"],
                                    name="milestone_progress_unique"),
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True) | models.Q(done_at__isnull=False),
                name="verified_only_when_done",
            ),
        ]


class CoachingNote(models.Model):
    """The private coaching log: coach, applicants and Global admins only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="coaching_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
