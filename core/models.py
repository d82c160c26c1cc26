from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """One row per registered periodic job: when it last ran and when it runs next.

    The row is the lock that keeps two workers from running the same job at once, and the
    record that lets `schedule()` re-queue a job whose task row was lost.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run at"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class EmailDeliveryStatus(models.TextChoices):
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")


class EmailDelivery(models.Model):
    """The ledger that makes every email task idempotent: one row per recipient, template
    and object key, so a retried or duplicated task never sends the same email twice.

    The recipient is kept as a keyed hash (`core.delivery.recipient_digest`), never as the
    address: the ledger says whether an email went out, not to whom. Erasing a person deletes
    their rows (`core.privacy.erase`). See `core/delivery.py` for the order of writes.
    """

    recipient_digest = models.CharField(_("recipient (keyed hash)"), max_length=64)
    template = models.CharField(_("template"), max_length=100)
    object_key = models.CharField(_("object key"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=EmailDeliveryStatus.choices,
                              default=EmailDeliveryStatus.SENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        constraints = [
            models.UniqueConstraint(fields=["recipient_digest", "template", "object_key"],
                                    name="email_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.object_key} ({self.status})"


class TaskWorker(models.Model):
    """A running `db_worker`, and its heartbeat: how recovery tells a task whose worker is
    alive from one whose worker was killed (`core.workers`)."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"))

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
