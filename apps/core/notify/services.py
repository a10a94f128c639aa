"""notify() and deliver(): how any module sends a message to a user or an address.

    notify(users, kind="filings.reminder", subject=..., body=..., url="/filings/…",
           channels=("inapp", "email", "sms"), related=target)

"inapp" writes a Notification per user (the inbox and the nav badge); "email" and
"sms" write a Delivery row per user, sent by a background task after the caller's
transaction commits (nothing is sent if it rolls back). A user without an email
address or mobile number gets a "skipped" row, so the record shows who was not
reached and why.

Emails can carry files: `attachments=[Attachment(name="报告.docx", path=report.docx.name)]`
names files already saved in the default storage (they must outlive the send and
its retries); they are read when the email is sent. SMS and in-app messages ignore them.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from apps.core.models import Delivery, Notification

from . import badge, sending

CHANNELS = ("inapp", "email", "sms")


@dataclass(frozen=True)
class Attachment:
    """A file in the default storage to send with an email."""

    name: str  # the file name the recipient sees
    path: str  # its name in the default storage
    content_type: str = "application/octet-stream"


def _attachments(attachments: Sequence[Attachment]) -> list[dict]:
    rows = []
    for attachment in attachments:
        if not isinstance(attachment, Attachment) or not attachment.path:
            raise ValueError(f"not a stored file: {attachment!r}")
        rows.append(asdict(attachment))
    return rows


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_NOISE = re.compile(r"[\s\-()]")


def normalise_mobile(value: str | None) -> str:
    """'+86 139-1234-5678' -> '13912345678'; '' when it is not a mainland mobile."""
    digits = _MOBILE_NOISE.sub("", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits if _MOBILE.match(digits) else ""


def normalise_email(value: str | None) -> str:
    address = (value or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def _clip(text: str, length: int) -> str:
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _check_url(url: str) -> None:
    # Opening a notification redirects to its url: only paths on this site.
    if url and not (
        url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    ):
        raise ValueError(f"notification url must be a path on this site: {url!r}")


def _related(related: models.Model | None) -> dict:
    if related is None:
        return {}
    return {
        "related_type": ContentType.objects.get_for_model(related),
        "related_id": str(related.pk),
    }


def _delivery(
    channel: str, raw_address: str, *, kind: str, subject: str, body: str, user=None, **extra
) -> Delivery:
    normalise = normalise_email if channel == Delivery.Channel.EMAIL else normalise_mobile
    address = normalise(raw_address)
    row = Delivery(
        channel=channel,
        address=address or _clip((raw_address or "").strip(), 254),
        user=user,
        kind=kind,
        subject=_clip(subject, 200),
        body=body,
        **extra,
    )
    if not address:
        row.status = Delivery.Status.SKIPPED
        row.error = (
            Delivery.Reason.INVALID_ADDRESS
            if (raw_address or "").strip()
            else Delivery.Reason.NO_ADDRESS
        )
    else:
        # The sweep's fallback if the enqueue after commit never happens.
        row.retry_at = timezone.now() + sending.lease_after(1)
    return row


@transaction.atomic
def notify(
    recipients: Iterable,
    *,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    channels: Sequence[str] = ("inapp",),
    related: models.Model | None = None,
    attachments: Sequence[Attachment] = (),
) -> int:
    """Tell users something; returns the number of email/SMS deliveries queued."""
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels: {sorted(unknown)}")
    _check_url(url)
    files = _attachments(attachments)
    users = list({user.pk: user for user in recipients}.values())
    if not users:
        return 0
    if "inapp" in channels:
        now = timezone.now()
        Notification.objects.bulk_create(
            Notification(
                user=user,
                kind=kind,
                subject=_clip(subject, 200),
                body=body,
                url=url,
                created_at=now,
            )
            for user in users
        )
        user_ids = [user.pk for user in users]
        transaction.on_commit(lambda: badge.forget(user_ids))
    rows = []
    if "email" in channels:
        email_body = body
        if url and settings.NOTIFY_SITE_URL:
            email_body = f"{body}\n\n{settings.NOTIFY_SITE_URL.rstrip('/')}{url}"
        rows += [
            _delivery(
                Delivery.Channel.EMAIL,
                user.email,
                user=user,
                kind=kind,
                subject=subject,
                body=email_body,
                attachments=files,
                **_related(related),
            )
            for user in users
        ]
    if "sms" in channels:
        rows += [
            _delivery(
                Delivery.Channel.SMS,
                user.mobile,
                user=user,
                kind=kind,
                subject=subject,
                body=body,
                **_related(related),
            )
            for user in users
        ]
    Delivery.objects.bulk_create(rows)
    queued = [row.pk for row in rows if row.status == Delivery.Status.QUEUED]
    sending.enqueue_on_commit(queued)
    return len(queued)


@transaction.atomic
def deliver(
    channel: str,
    address: str,
    *,
    kind: str,
    subject: str,
    body: str,
    related: models.Model | None = None,
    attachments: Sequence[Attachment] = (),
) -> Delivery:
    """One email or SMS to an address with no account behind it (e.g. a registry contact)."""
    if channel not in Delivery.Channel.values:
        raise ValueError(f"deliver() sends email or sms, not {channel!r}")
    files = _attachments(attachments) if channel == Delivery.Channel.EMAIL else []
    row = _delivery(
        channel,
        address,
        kind=kind,
        subject=subject,
        body=body,
        attachments=files,
        **_related(related),
    )
    row.save()
    if row.status == Delivery.Status.QUEUED:
        sending.enqueue_on_commit([row.pk])
    return row


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> None:
    """The user opened one of their notifications."""
    if notification.user_id != user.pk:
        raise PermissionError("not this user's notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        _forget_now_and_on_commit(user.pk)


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        _forget_now_and_on_commit(user.pk)
    return count


def _forget_now_and_on_commit(user_id: int) -> None:
    # Now, for this request's own page; after commit, in case another request
    # cached the old count in between.
    badge.forget([user_id])
    transaction.on_commit(lambda: badge.forget([user_id]))
