from datetime import time, timedelta

from django.conf import settings

from apps.core.schedules import Schedule

from .tasks import summary_rebuild, summary_safety_net

SCHEDULES = [
    # Whatever bypassed the hooks is in the summary within about a minute.
    Schedule(
        name="insights.summary_safety_net",
        task=summary_safety_net,
        every=timedelta(seconds=settings.INSIGHTS_SAFETY_NET_SECONDS),
    ),
    # After the enterprise quality check (01:30), before the account jobs' quiet hours end.
    Schedule(name="insights.summary_rebuild", task=summary_rebuild, daily_at=time(3, 30)),
]
