"""An append-only record of who did what and when. Nobody edits it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    JOIN_REQUEST_DECIDED = "join_request.decided", _("Join request decided")
    APPLICATION_TRANSITION = "application.transition", _("Application changed state")
    APPLICATION_COACH_ASSIGNED = "application.coach_assigned", _("Coach assigned")
    CHAPTER_LAUNCHED = "chapter.launched", _("Chapter launched")
    ROLE_CHANGED = "role.changed", _("Role changed")
    MEMBER_REMOVED = "member.removed", _("Member removed")
    MEMBERS_EXPORTED = "members.exported", _("Member list exported")
    CHAPTER_STATUS_CHANGED = "chapter.status_changed", _("Chapter status changed")
    CHAPTER_EDITED = "chapter.edited", _("Chapter page edited")
    POLICY_CHANGED = "policy.changed", _("Membership policy changed")
    SESSION_CANCELLED = "session.cancelled", _("Onboarding session cancelled")
    ACCOUNT_DELETED = "account.deleted", _("Account deleted")
    MILESTONE_VERIFIED = "milestone.verified", _("Milestone verified")
    PARTNER_CHANGED = "partner.changed", _("Partner organization changed")
    SESSION_CHANGED = "session.changed", _("Onboarding session scheduled or changed")
    PEER_CHANGED = "peer.changed", _("Peer network added, paused or removed")
    ANNOUNCEMENT_SENT = "announcement.sent", _("Announcement sent")
    INACTIVITY_REVIEWED = "chapter.inactivity_reviewed", _("Inactive chapter reviewed")
    HELP_REQUEST_CHANGED = "help_request.changed", _("Help request changed")
    MATERIAL_CHANGED = "material.changed", _("Shared material changed")
    ADMIN_CHANGED = "admin.changed", _("Changed in the admin")


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=40, choices=AuditAction.choices)
    chapter = models.ForeignKey(
        "chapters.Chapter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("chapter"),
    )
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object id"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are never deleted.")
