from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
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


# --- Notifications (apps.core.notify) ----------------------------------------------


class Notification(models.Model):
    """站内消息: a message in one user's inbox at /notifications/, counted in the nav badge."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        # (user, read_at) below serves every lookup by user.
        db_index=False,
    )
    kind = models.CharField(_("Kind"), max_length=50)
    subject = models.CharField(_("Subject"), max_length=200)
    body = models.TextField(_("Message text"), blank=True)
    url = models.CharField(_("Link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    read_at = models.DateTimeField(_("Read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.subject


class DeliveryQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "DeliveryQuerySet":
        """The deliveries sent about `obj` (the `related` argument of notify/deliver)."""
        return self.filter(
            related_type=ContentType.objects.get_for_model(obj), related_id=str(obj.pk)
        )


class Delivery(models.Model):
    """消息发送记录: one email or SMS to one address, with every attempt's outcome.

    The rows are the record of what was sent (e.g. each 催报 reminder); they are
    never deleted by the application.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Reason(models.TextChoices):
        """Why a delivery was skipped, stored in `error` (failures store the error text)."""

        NOT_CONFIGURED = "not configured", _("Not configured")
        NO_ADDRESS = "no address", _("No address on record")
        INVALID_ADDRESS = "invalid address", _("Not a valid address")
        INTERRUPTED = "interrupted", _("Sending was interrupted")

    channel = models.CharField(_("Channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("Address"), max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("Kind"), max_length=50)
    subject = models.CharField(_("Subject"), max_length=200)
    body = models.TextField(_("Message text"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    error = models.CharField(_("Error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    sent_at = models.DateTimeField(_("Sent at"), null=True, blank=True)
    # When the next attempt is due if nothing else happens: a retry after a failure,
    # or the sweep's fallback for a send that never reported back.
    retry_at = models.DateTimeField(_("Next attempt"), null=True, blank=True)
    related_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Related type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_id = models.CharField(_("Related object"), max_length=64, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    # Email only: files in the default storage sent with the message, read when it is
    # sent (a retry sends them again): [{"name": …, "path": …, "content_type": …}].
    attachments = models.JSONField(_("Attachments"), default=list, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Delivery")
        verbose_name_plural = _("Deliveries")
        indexes = [
            models.Index(fields=["related_type", "related_id"], name="delivery_related"),
            models.Index(fields=["status", "retry_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} #{self.pk}"

    @property
    def error_display(self) -> str:
        """The error or skip reason, in the reader's language when it is one of ours."""
        if self.error in self.Reason.values:
            return self.Reason(self.error).label
        return self.error
