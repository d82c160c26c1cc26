"""People, membership policies and memberships."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import connections, models, router
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import MembershipRole, MembershipStatus, WorkKind


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        """`manage.py createsuperuser` makes a Global admin who may use Django's admin once
        they have a second factor; never a Django superuser, whose flag would otherwise
        open every model the permission predicates close."""
        extra.update(is_staff=True, is_superuser=False, is_global_admin=True)
        return self._create_user(email, password, **extra)

    def get(self, *args, **kwargs):
        """`User.objects.get(pk=...)`, the read of the signed-in person on every request
        (ModelBackend.get_user), as one plain statement: the ORM built and compiled a
        queryset for it each time (about 0.3 ms of CPU). The same row and columns, read
        fresh every time (the roles version and password hash the request checks); any
        other lookup, or a related manager, is the ORM's."""
        if args or kwargs.keys() != {"pk"} or self is not self.model._meta.default_manager:
            return super().get(*args, **kwargs)
        meta = self.model._meta
        pk = meta.pk.get_prep_value(kwargs["pk"])  # a non-number raises as the ORM does
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        fields = meta.concrete_fields
        quote = connection.ops.quote_name
        sql = (f"SELECT {', '.join(quote(f.column) for f in fields)} FROM "
               f"{quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist(f"{meta.object_name} matching query does not exist.")
        values = list(row)
        for index, field in enumerate(fields):
            for converter in (connection.ops.get_db_converters(field.get_col(meta.db_table))
                              + field.get_db_converters(connection)):
                values[index] = converter(values[index], field.get_col(meta.db_table),
                                          connection)
        return self.model.from_db(alias, [f.attname for f in fields], values)

    def with_email(self, email: str):
        """The person with this address in any case. Served by the unique index on
        LOWER(email); `email__iexact` compares UPPER() and scans every person."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.strip().lower())


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the identity; the display name may be a pseudonym."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True,
        help_text=_("How others in the network see you. A pseudonym is fine."),
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    work_kind = models.CharField(
        _("kind of work"), max_length=32, choices=WorkKind.choices, blank=True
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # Network-level roles.
    is_global_admin = models.BooleanField(_("Global admin"), default=False)
    is_coach = models.BooleanField(_("coach"), default=False)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Raised by database triggers whenever the person's organizer memberships or second
    # factors change: the roles kept in their sessions are then asked again (members/roles.py).
    roles_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        indexes = [
            # A member list in name order reads people in this order and stops after a page.
            models.Index(fields=["display_name", "email", "id"], name="user_name_order_idx"),
        ]

    def __str__(self) -> str:
        # Never a part of the email address: others see this name (coaches, applicants,
        # organizers' digests), and an address can identify a person.
        return self.display_name or str(_("Member #%(number)s") % {"number": self.pk})

    def get_short_name(self) -> str:
        return str(self)

    def get_full_name(self) -> str:
        return str(self)


class PolicyQuerySet(models.QuerySet):
    def current_versions(self, chapters=None) -> dict:
        """The current version of the network baseline (under the key None) and of each of
        these chapters (of every chapter when None), by chapter id, in one query: the one
        reader of which rules are in force."""
        wanted = models.Q(is_network_baseline=True) | (
            models.Q(chapter__isnull=False) if chapters is None else models.Q(chapter__in=chapters))
        return {policy.chapter_id: policy.current_version
                for policy in self.filter(wanted).select_related("current_version")}


class MembershipPolicy(models.Model):
    """Who may join: the network baseline (no chapter) or one chapter's own rules on top of it."""

    chapter = models.OneToOneField(
        "chapters.Chapter", on_delete=models.CASCADE, null=True, blank=True,
        related_name="policy", verbose_name=_("chapter"),
    )
    current_version = models.ForeignKey(
        "PolicyVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("current version"),
    )
    is_network_baseline = models.BooleanField(_("network baseline"), default=False, editable=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership policy")
        verbose_name_plural = _("membership policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_network_baseline"], condition=models.Q(is_network_baseline=True),
                name="one_network_baseline",
            ),
            models.CheckConstraint(
                condition=models.Q(is_network_baseline=True, chapter__isnull=True)
                | models.Q(is_network_baseline=False, chapter__isnull=False),
                name="baseline_has_no_chapter",
            ),
        ]

    def __str__(self) -> str:
        return str(self.chapter) if self.chapter_id else str(_("Network baseline"))

    @property
    def is_baseline(self) -> bool:
        return self.is_network_baseline


class PolicyRules(models.Model):
    """The membership rules, defined once: what a policy version holds, and what a program
    application proposes as its chapter's first version (`cdp.Application`)."""

    exclude_hire_fire = models.BooleanField(
        _("exclude people who can hire or fire"), default=False,
    )
    exclude_owners_executives_investors = models.BooleanField(
        _("exclude owners, executives and investors"), default=False,
    )
    allow_supporters = models.BooleanField(
        _("open to supporters who do not work in tech"), default=True,
    )
    approval_required = models.BooleanField(_("organizer approval required"), default=True)
    questions = models.JSONField(
        _("the chapter's own questions"), default=list, blank=True,
        help_text=_("A list of {\"text\": ..., \"required\": true/false}."),
    )

    class Meta:
        abstract = True


# The rule fields by name, in the order adopt_policy_version takes them.
POLICY_RULE_FIELDS = tuple(field.name for field in PolicyRules._meta.fields)


class PolicyVersion(PolicyRules):
    """One version of a policy. Versions are never edited: a change makes a new one."""

    policy = models.ForeignKey(
        MembershipPolicy, on_delete=models.CASCADE, related_name="versions",
        verbose_name=_("policy"),
    )
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("why it changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def organizers(self):
        return self.filter(status=MembershipStatus.ACTIVE, role=MembershipRole.ORGANIZER)

    def pending(self):
        return self.filter(status=MembershipStatus.PENDING)


class Membership(models.Model):
    """A person's relation to one chapter: a join request, then a membership."""

    # Null once the person deleted their account: the row stays as an anonymous count.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="memberships", verbose_name=_("person"),
    )
    chapter = models.ForeignKey(
        "chapters.Chapter", on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("chapter"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER,
    )
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("judged under policy version"),
    )
    baseline_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("judged under network baseline version"),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )
    message = models.TextField(_("message to the person"), blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The person's display name, for the member list's order from an index of this table
    # alone. Database triggers keep it equal to the person's name (members/name_order.py):
    # whatever is saved here is replaced, and it is empty once the person is gone.
    sort_name = models.CharField(max_length=80, blank=True, default="", editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter"], name="membership_unique"),
        ]
        indexes = [
            models.Index(fields=["chapter", "status", "role"]),
            # The review queue: a chapter's pending requests, oldest first, read in order.
            models.Index(fields=["chapter", "status", "requested_at", "id"],
                         name="membership_queue_idx"),
            # The member list's count: a chapter's rows with a person, from the index alone.
            models.Index(fields=["chapter", "user"], name="membership_chapter_user_idx"),
            # The member list's page: a chapter's rows in name order, read from the start
            # of the page (ordering by the person's own row walked people in name order).
            models.Index(fields=["chapter", "sort_name", "id"],
                         name="membership_name_order_idx"),
            # The requests waiting for a chapter's organizers (the queue and its count, the
            # counts on /me/ and the chapter page), from the index alone: the queue index
            # above must visit every row to skip the anonymised ones.
            models.Index(fields=["chapter", "requested_at", "id"],
                         condition=Q(status="pending", user__isnull=False),
                         name="membership_waiting_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.chapter}"


class JoinRequestDigest(models.Model):
    """When a chapter's organizers last got, and will next get, the daily digest of requests."""

    chapter = models.OneToOneField(
        "chapters.Chapter", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("chapter"),
    )
    scheduled_for = models.DateTimeField(_("next digest at"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request digest")
        verbose_name_plural = _("join request digests")


class ErasureRecord(models.Model):
    """That an account was deleted, so the erasure can be applied again after a restore.

    Holds a salted hash of the email address, never the address itself.
    """

    salt = models.CharField(max_length=32)
    email_hash = models.CharField(max_length=64)
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")

    def __str__(self) -> str:
        return f"{self.erased_at:%Y-%m-%d}"
