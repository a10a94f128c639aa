from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleState(models.Model):
    """计划任务状态: when a schedule declared in code last enqueued its task."""

    name = models.CharField(_("Schedule"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("Last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("Schedule state")
        verbose_name_plural = _("Schedule states")

    def __str__(self) -> str:
        return self.name
