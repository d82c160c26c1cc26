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
