"""Append-only logs. The application never updates or deletes a row here; the
database refuses it too (triggers in migration 0002), except pruning rows past
the retention period."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit rows are append-only")


class Result(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class AuditEvent(AppendOnlyModel):
    """审计事件: who did what to which object, from where, and with what result."""

    at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text too: the event must still name the actor if the account is renamed.
    actor_username = models.CharField(_("Username"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("User agent"), max_length=500, blank=True)
    request_id = models.CharField(_("Request id"), max_length=32, blank=True)
    action = models.CharField(_("Action"), max_length=64, db_index=True)
    object_type = models.CharField(_("Object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("Object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("Object"), max_length=200, blank=True)
    changes = models.JSONField(_("Changes"), default=dict, blank=True)
    result = models.CharField(
        _("Result"), max_length=10, choices=Result.choices, default=Result.SUCCESS
    )
    message = models.CharField(_("Description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Audit event")
        verbose_name_plural = _("Audit event")
        ordering = ["-at", "-id"]
        permissions = [("export_auditevent", _("Export audit events"))]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"


class AccessLogModel(AppendOnlyModel):
    """Who (a signed-in user), when and from where: shared by the access logs."""

    at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("User"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("Username"), max_length=150)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]


class PersonalDataRead(AccessLogModel):
    """个人信息查看记录: a user saw unmasked personal data, and why."""

    object_type = models.CharField(_("Object type"), max_length=100)
    object_id = models.CharField(_("Object id"), max_length=64)
    fields = models.JSONField(_("Fields viewed"), default=list)
    reason = models.CharField(_("Reason"), max_length=200)

    class Meta(AccessLogModel.Meta):
        verbose_name = _("Personal data read")
        verbose_name_plural = _("Personal data read")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.object_type}"


class ExportRecord(AccessLogModel):
    """导出记录: who exported what, with which filter, how many rows."""

    name = models.CharField(_("Export"), max_length=100)
    filters = models.JSONField(_("Filters"), default=dict)
    row_count = models.PositiveIntegerField(_("Rows"))
    personal_data = models.BooleanField(_("Contains unmasked personal data"), default=False)
    digest = models.CharField(_("File digest"), max_length=64, blank=True)

    class Meta(AccessLogModel.Meta):
        verbose_name = _("Export record")
        verbose_name_plural = _("Export record")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.name}"
