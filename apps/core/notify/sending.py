"""Sending a delivery, in the background, with retries.

Each attempt first claims the row with a conditional UPDATE on its attempt
counter, so two workers (or a retry racing the first send) never send twice.
The claim also sets `retry_at`, a lease: if the process dies mid-send the
sweep (`retry_due`, scheduled every few minutes) tries again when it runs out.

A failed attempt records the error and, while attempts remain, a `retry_at`
after NOTIFY_RETRY_DELAYS (default 5 min, 30 min, 2 h: four attempts in all);
the sweep enqueues rows whose time has come. After the last attempt the row
stays "failed" with its last error and no `retry_at`. A channel with nothing
configured is "skipped", reason "not configured", never an error.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.models import Delivery

from .adapters import DeliveryFailed, adapter_for

logger = logging.getLogger(__name__)

Status = Delivery.Status
BATCH = 100  # deliveries per background task


def retry_delays() -> list[timedelta]:
    return [timedelta(seconds=s) for s in settings.NOTIFY_RETRY_DELAYS] or [timedelta(minutes=5)]


def max_attempts() -> int:
    return len(settings.NOTIFY_RETRY_DELAYS) + 1


def lease_after(attempt: int) -> timedelta:
    """How long attempt number `attempt` (1-based) waits before the next, if it fails."""
    delays = retry_delays()
    return delays[min(attempt, len(delays)) - 1]


def enqueue(delivery_ids: Iterable[int]) -> None:
    from .tasks import delivery_send

    ids = list(delivery_ids)
    for start in range(0, len(ids), BATCH):
        delivery_send.enqueue(ids[start : start + BATCH])


def enqueue_on_commit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        # robust: a failing enqueue must not break the caller's request; the sweep
        # picks up rows whose first send never happened.
        transaction.on_commit(lambda: enqueue(delivery_ids), robust=True)


def attempt(delivery_id: int, *, now: datetime | None = None) -> str:
    """Try to send one delivery now; returns its status afterwards."""
    now = now or timezone.now()
    row = Delivery.objects.filter(pk=delivery_id).first()
    if row is None or row.status not in (Status.QUEUED, Status.FAILED):
        return row.status if row else ""
    if row.attempts > 0 and (row.retry_at is None or row.retry_at > now):
        return row.status  # given up, or not due yet
    adapter = adapter_for(row.channel)
    if not adapter.configured():
        Delivery.objects.filter(pk=row.pk, attempts=row.attempts).update(
            status=Status.SKIPPED, error=Delivery.Reason.NOT_CONFIGURED, retry_at=None
        )
        return Status.SKIPPED
    number = row.attempts + 1
    claimed = (
        Delivery.objects.filter(pk=row.pk, attempts=row.attempts)
        .filter(status__in=[Status.QUEUED, Status.FAILED])
        .update(attempts=number, retry_at=now + lease_after(number))
    )
    if not claimed:
        return Delivery.objects.get(pk=row.pk).status
    # Only adapters that send files are given them (see adapters.py).
    files = {"attachments": row.attachments} if row.attachments else {}
    try:
        adapter.send(
            address=row.address,
            subject=row.subject,
            body=row.body,
            kind=row.kind,
            reference=f"delivery-{row.pk}",
            **files,
        )
    except Exception as error:
        if not isinstance(error, DeliveryFailed):
            logger.exception("notify: the %s adapter raised", row.channel)
        last = number >= max_attempts()
        Delivery.objects.filter(pk=row.pk).update(
            status=Status.FAILED,
            error=(str(error) or type(error).__name__)[:500],
            retry_at=None if last else now + lease_after(number),
        )
        logger.warning(
            "notify: delivery %s (%s) failed, attempt %s: %s", row.pk, row.channel, number, error
        )
        return Status.FAILED
    Delivery.objects.filter(pk=row.pk).update(
        status=Status.SENT, error="", sent_at=timezone.now(), retry_at=None
    )
    return Status.SENT


def send_batch(delivery_ids: Iterable[int]) -> dict[str, int]:
    outcome: dict[str, int] = {}
    for pk in delivery_ids:
        status = attempt(pk)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def retry_due(*, now: datetime | None = None) -> int:
    """Enqueue every delivery whose next attempt is due; returns how many."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status__in=[Status.QUEUED, Status.FAILED], retry_at__lte=now)
    # A send that never reported back after its last attempt: give up.
    exhausted = due.filter(attempts__gte=max_attempts())
    exhausted.filter(error="").update(error=Delivery.Reason.INTERRUPTED)
    exhausted.update(status=Status.FAILED, retry_at=None)
    ids = list(
        due.filter(attempts__lt=max_attempts()).order_by("retry_at").values_list("pk", flat=True)
    )
    enqueue(ids)
    return len(ids)
