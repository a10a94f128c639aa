from datetime import timedelta

from apps.core.schedules import Schedule

from .tasks import deliveries_retry

SCHEDULES = [
    Schedule(name="core.notify_retry", task=deliveries_retry, every=timedelta(minutes=5)),
]
