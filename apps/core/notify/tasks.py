from django_tasks import task


@task()
def delivery_send(delivery_ids: list[int]) -> dict[str, int]:
    """Send these deliveries (enqueued after the transaction that created them commits)."""
    from .sending import send_batch

    return send_batch(delivery_ids)


@task()
def deliveries_retry() -> int:
    """Enqueue the deliveries whose next attempt is due (scheduled every 5 minutes)."""
    from .sending import retry_due

    return retry_due()
